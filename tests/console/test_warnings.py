#!/usr/bin/python3
"""预警 in a real browser (issue 29): the page says plainly that no rules map any region yet;
an admin adds a region rule — a wrong code is refused with the checker's Chinese message beside
its row, the right one (2201 = 长春市 → the group 一楼大厅) is saved; official warnings dropped
into the console's drop folder appear on the page, newest first, each in words: an orange one
已发布到：一楼大厅 (and its signed notice is on the broker for the group), a malformed one
格式错误：…, a blue one 等待审核 with the 预警 link's badge counting it; an approver publishes the
blue one (asked to confirm first) and it turns 已发布, the badge goes. With --shots the pages at
1366×768 and 1920×1080.

The messages are the fixtures in tests/fixtures/warnings/ (CAP 1.2 from 长春市气象台, region
code 220100, valid until 2099): cap_alert_blizzard_orange.xml, cap_blue.xml, malformed.xml.

    /usr/bin/python3 tests/console/test_warnings.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, APPROVER, PASSWORDS, step, browser, wait, css, login, logout, shot, shots_argument,  # noqa: E402
                     click, report_failure)
from selenium.webdriver.common.by import By  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "warnings")


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


def drop(folder, name, text):
    """A file as a platform pushes it: written beside, then renamed in (never read half-written)."""
    part = os.path.join(folder, f".{name}.part")
    with open(part, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(part, os.path.join(folder, name))


def card(driver, headline):
    for c in driver.find_elements(By.CSS_SELECTOR, "#warning-list article.warning"):
        if c.find_element(By.CSS_SELECTOR, ".headline").text == headline:
            return c
    return None


def state_of(driver, headline):
    c = card(driver, headline)
    return c.find_element(By.CSS_SELECTOR, "[data-role=state]").text if c else None


def badge(driver):
    b = css(driver, "#warning-count")
    return b.text if b.is_displayed() else ""


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        inbox = os.path.join(fleet.dir, "warnings-in")
        os.makedirs(inbox)
        with open(fleet.console_json) as f:
            settings = json.load(f)
        settings["warnings"] = {"feeds": [], "drop_folder": inbox}
        fleet.write_json(fleet.console_json, settings)
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.adduser(APPROVER, "approver", PASSWORDS[APPROVER])
        fleet.start_console()
        fleet.start_screen("s-1f", ["floor/1"])
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        csrf = {"X-CSRF-Token": api.csrf}

        def screens():
            return {s["id"]: s for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]}
        wait_for(lambda: screens().get("s-1f", {}).get("state") == "online", 40, "the screen online")
        for kind, id_, name in (("screen", "s-1f", "1楼东侧屏"), ("group", "floor/1", "一楼大厅")):
            status, body, _ = api.request("POST", "/api/names", {"kind": kind, "id": id_, "name": name}, csrf)
            assert status == 200, (status, body)

        driver = browser()
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])

        step("1. 预警 in the navigation; no rules yet: the page says nothing will show and what to do")
        click(driver, wait(driver, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "#nav a") if a.text.startswith("预警")][0]))
        wait(driver, lambda d: d.current_url.endswith("/warnings"))
        banner = wait(driver, lambda d: css(d, "#warning-no-rules").text)
        assert banner == "还没有设置发布规则：预警不会显示在任何屏幕上。请管理员在下面添加本地区的地区代码。", banner
        assert "接收文件夹" in css(driver, "#warning-feeds").text and inbox in css(driver, "#warning-feeds").text
        assert "2201 = 长春市（市级 4 位）" in css(driver, "#region-hint").text

        step("2. a wrong region code is refused, its message beside its row; the right one is saved")
        click(driver, css(driver, "[data-action=add-region]"))
        code = wait(driver, lambda d: css(d, "tr.region input[name=code]"))
        code.send_keys("22x1")
        row = css(driver, "tr.region")
        click(driver, [b for b in row.find_elements(By.CSS_SELECTOR, "label.choice-inline") if b.text == "分组：一楼大厅"][0])
        click(driver, css(driver, "#warning-rules-save"))
        refused = wait(driver, lambda d: css(d, "#warning-regions [data-error=region]").text)
        assert "22x1" in refused and "地区代码" in refused, refused
        for word in ("regions", "code", "[", "scope", '"', "引号"):
            assert word not in refused, refused  # no JSON path, no English, nothing about JSON
        assert css(driver, "[data-error=form]").text.startswith("发布规则没有保存"), css(driver, "[data-error=form]").text
        shot(driver, "warnings-rule-refused")
        code = css(driver, "tr.region input[name=code]")
        code.clear()
        code.send_keys("2201")
        click(driver, css(driver, "#warning-rules-save"))
        wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "#warning-no-rules"))
        wait(driver, lambda d: css(d, "#warning-regions [data-error=region]").text == "")
        stored = json.loads(api.request("GET", "/api/warnings")[1])["rules"]
        assert [r["code"] for r in stored["regions"]] == ["2201"], stored
        assert stored["regions"][0]["scopes"] == ["group/floor/1"], stored
        assert stored["levels"]["blue"] == "approve", stored  # the default: 蓝色 waits for approval

        step("3. messages dropped into the folder: published, malformed, waiting — each in words")
        orange = "长春市气象台发布暴雪橙色预警"
        blue = "长春市气象台发布道路结冰蓝色预警"
        drop(inbox, "orange.xml", fixture("cap_alert_blizzard_orange.xml"))
        wait(driver, lambda d: (state_of(d, orange) or "").startswith("已发布到："), 20)
        assert state_of(driver, orange) == "已发布到：一楼大厅", state_of(driver, orange)
        chip = card(driver, orange).find_element(By.CSS_SELECTOR, ".level-chip")
        assert chip.text == "橙色预警", chip.text
        assert chip.value_of_css_property("background-color") in ("rgba(240, 125, 0, 1)", "rgb(240, 125, 0)")
        facts = card(driver, orange).text
        for words in ("发布单位：长春市气象台", "类型：发布", "状态：正式", "长春市"):
            assert words in facts, facts
        # The notice it became is on the broker for the group (signed, retained).
        wait_for(lambda: any("/group/floor/1/" in t and "/notice/" in t for t in fleet.retained_desired()), 15,
                 "the warning's notice retained for 一楼大厅")
        drop(inbox, "broken.xml", fixture("malformed.xml"))
        drop(inbox, "blue.xml", fixture("cap_blue.xml"))
        wait(driver, lambda d: state_of(d, blue) == "等待审核（批准后发布到：一楼大厅）" or state_of(d, blue) == "等待审核", 20)
        bad = wait(driver, lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, "article.warning[data-state=refused]")], 20)
        assert bad[0].find_element(By.CSS_SELECTOR, "[data-role=state]").text.startswith("格式错误："), bad[0].text
        # Newest first: the blue one (dropped last) above the orange one.
        headlines = [c.find_element(By.CSS_SELECTOR, ".headline").text for c in driver.find_elements(By.CSS_SELECTOR, "article.warning")]
        assert headlines.index(blue) < headlines.index(orange), headlines
        assert card(driver, blue).find_elements(By.CSS_SELECTOR, "[data-action=approve]")
        page_text = css(driver, "main").text
        for english in ("Actual", "Alert", "Minor", "Severe", "group/", "urn:oasis"):
            assert english not in page_text, english
        shot(driver, "warnings-list")

        step("4. the approver: the 预警 link counts the waiting one; 发布 asks, then the message is 已发布")
        logout(driver)
        login(driver, fleet.url, APPROVER, PASSWORDS[APPROVER])
        wait(driver, lambda d: badge(d) == "1")
        driver.get(fleet.url + "/warnings")
        wait(driver, lambda d: badge(d) == "1")
        locked = wait(driver, lambda d: css(d, "#warning-rules-form fieldset"))
        assert locked.get_attribute("disabled") is not None  # only admins edit
        assert not driver.find_elements(By.CSS_SELECTOR, "#warning-rules-save")
        click(driver, wait(driver, lambda d: card(d, blue).find_element(By.CSS_SELECTOR, "[data-action=approve]")))
        dialog = wait(driver, lambda d: css(d, "dialog.ask[open]"))
        assert "发布这条预警？" in dialog.text and blue in dialog.text and "一楼大厅" in dialog.text, dialog.text
        shot(driver, "warnings-approve-ask")
        click(driver, dialog.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: state_of(d, blue) == "已发布到：一楼大厅", 15)
        assert not card(driver, blue).find_elements(By.CSS_SELECTOR, "[data-action=approve]")
        wait(driver, lambda d: badge(d) == "")
        shot(driver, "warnings-approved")

        step("5. the 操作日志 names the approval with the message")
        driver.get(fleet.url + "/audit")
        wait(driver, lambda d: blue in css(d, "main").text or "22010041600000" in css(d, "main").text)

        elapsed = time.monotonic() - started
        print(f"test_warnings: passed in {elapsed:.1f} s")
    except BaseException:
        report_failure(driver, fleet)
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    main()
