#!/usr/bin/python3
"""Receipts, as a clerk sees them in a real browser (Debian's chromium, headless): a real
Mosquitto broker, kiosk-console and three headless kiosks — two on floor 1 (one of them
stopped), one on floor 2 whose own settings forbid a website the office allows.

    /usr/bin/python3 tests/console/test_browser_receipts.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]

- a notice to floor 1: the receipt lists the running screen as 已显示 within 5 s and the
  stopped one as 离线 since when; the stopped screen started: its line turns 已显示 without a
  reload; the notices page shows 2/2 块已显示; the audit log has the counts;
- the playlist page of floor 2 shows what its screen plays now (its own local playlist),
  asks before the first 发布 replaces it, and the screen's refusal shows as 拒绝 with a
  Chinese reason;
- an approved change's receipt on the approvals page."""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, EDITOR, PASSWORDS, step, browser, wait, css, login, toast_text, current_item,  # noqa: E402
                     shot, shots_argument, click, click_labelled)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

NAMES = {"hall-1e": "1楼东侧屏", "hall-1w": "1楼西侧屏", "hall-2f": "2楼大厅屏"}


def receipt_lines(driver, box):
    """{screen name: (state, text)} of the receipt in `box`, as the page shows it now."""
    out = {}
    for li in driver.find_elements(By.CSS_SELECTOR, f"{box} li.receipt-line"):
        name = li.find_element(By.CSS_SELECTOR, ".screen-name").text
        out[name] = (li.get_attribute("data-state"), li.find_element(By.CSS_SELECTOR, ".receipt-text").text)
    return out


def screens(api):
    return {s["id"]: s for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]}


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        for name, role in ((ADMIN, "admin"), (EDITOR, "editor")):
            fleet.adduser(name, role, PASSWORDS[name])
        fleet.start_console()
        fleet.start_screen("hall-1e", ["floor/1"])
        fleet.start_screen("hall-1w", ["floor/1"])
        # Floor 2's screen may open only its own portal: a playlist naming the office's
        # allowed host passes the console's checker and is refused by the screen's.
        fleet.start_screen("hall-2f", ["floor/2"], allowed_hosts=["portal.example.gov.cn"])
        # What clerks call them (an admin's names, as the names page keeps them).
        db = sqlite3.connect(os.path.join(fleet.dir, "console", "console.db"), timeout=10)
        db.executemany("INSERT OR REPLACE INTO display_names (kind, id, name) VALUES ('screen', ?, ?)", NAMES.items())
        db.commit()
        db.close()
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        wait_for(lambda: len(screens(api)) == 3 and all(s["state"] == "online" and s["groups"] for s in screens(api).values()),
                 30, "three screens online with their groups")
        driver = browser()

        step("1. hall-1w stopped; a notice to floor 1: 已显示 within 5 s, the stopped screen 离线 since when")
        assert fleet.stop("hall-1w") == 0
        wait_for(lambda: screens(api)["hall-1w"]["state"] != "online", 15, "the console to see hall-1w offline")
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        driver.get(fleet.url + "/notices")
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=scope][value='group/floor/1']"))[0])
        css(driver, "#notice-text").send_keys("今天下午三点起暂停办理不动产登记业务。")
        click(driver, css(driver, "#notice-publish"))
        clicked = time.monotonic()
        wait(driver, lambda d: receipt_lines(d, "#notice-receipt").get(NAMES["hall-1e"], ("",))[0] == "shown", 5)
        print(f"   已显示 in the receipt {time.monotonic() - clicked:.2f} s after 发布")
        # (The page redraws a receipt when a line changes: what is read is found again each time.)
        lines = wait(driver, lambda d: receipt_lines(d, "#notice-receipt"))
        assert set(lines) == {NAMES["hall-1e"], NAMES["hall-1w"]}, lines  # floor 2 is not reached; names, not ids
        assert lines[NAMES["hall-1e"]][1] == "已显示", lines
        state, text = lines[NAMES["hall-1w"]]
        assert state == "offline" and text.startswith("离线，恢复连接后自动显示（自 ") and text.endswith(" 起离线）"), lines
        summary = wait(driver, lambda d: css(d, "#notice-receipt .receipt-summary").text)
        assert summary == "1/2 块已显示（离线 1）", summary
        assert "hall-" not in wait(driver, lambda d: css(d, "#notice-receipt").text)
        # The list of notices in force below says the same, without a reload.
        wait(driver, lambda d: css(d, "#notice-list td.receipt-cell .receipt-summary").text == "1/2 块已显示（离线 1）")
        shot(driver, "receipt-offline")

        step("2. hall-1w started again: its line turns 已显示 without a reload; the notices page and the log agree")
        marker = driver.execute_script("window.__same_page = 1; return 1")
        fleet.restart_screen("hall-1w")
        back = time.monotonic()
        wait(driver, lambda d: receipt_lines(d, "#notice-receipt").get(NAMES["hall-1w"], ("",))[0] == "shown", 40)
        print(f"   hall-1w 已显示 {time.monotonic() - back:.2f} s after it was started")
        assert driver.execute_script("return window.__same_page") == marker  # not reloaded
        wait(driver, lambda d: css(d, "#notice-receipt .receipt-summary").text == "2/2 块已显示")
        assert current_item(fleet, "hall-1w").startswith("notice/") or fleet.screen_status("hall-1w")["fleet"]["notices"]
        driver.get(fleet.url + "/notices")
        wait(driver, lambda d: css(d, "#notice-list td.receipt-cell .receipt-summary").text == "2/2 块已显示")
        wait(driver, lambda d: click(d, css(d, "#notice-list td.receipt-cell summary")) or True)  # opens onto each screen
        wait(driver, lambda d: receipt_lines(d, "#notice-list").get(NAMES["hall-1w"], ("",))[1] == "已显示")
        shot(driver, "notices-receipt")
        audit = lambda: json.loads(api.request("GET", "/api/audit?action=receipt")[1])  # noqa: E731
        entry = wait_for(lambda: audit(), 10, "the receipt's audit entry")[0]
        assert entry["detail"] == "通知回执：已显示 2", entry

        step("3. the playlist page of floor 2: what its screen plays now, its own local playlist, asked before the first 发布")
        driver.get(fleet.url + "/playlist")
        scope = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#scope option[value='group/floor/2']") and css(d, "#scope"))
        Select(scope).select_by_value("group/floor/2")
        # Floor 2's screens only (全部屏幕, loaded first, lists all three).
        now = wait(driver, lambda d: NAMES["hall-2f"] in css(d, "#playlist-now").text
                   and NAMES["hall-1e"] not in css(d, "#playlist-now").text and css(d, "#playlist-now").text)
        assert "甲项目" in now and "本地节目单" in now, now  # the screen's own item, by its title
        assert "还没有发布过" in wait(driver, lambda d: css(d, "#playlist-local").text)
        click_labelled(driver, ".actions.sticky button", "添加一项")
        css(driver, "#title-0").send_keys("办事指南")
        css(driver, "#source-0").send_keys("http://127.0.0.1:9/guide.html")
        shot(driver, "playlist-local")
        click(driver, css(driver, "#publish"))
        ask = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-confirm #confirm-publish") and css(d, "#playlist-confirm"))
        assert "第一次发布" in ask.text and NAMES["hall-2f"] in ask.text and "本地节目单" in ask.text, ask.text
        assert not json.loads(api.request("GET", "/api/playlist?scope=group/floor/2")[1])["published"]  # nothing yet
        shot(driver, "playlist-confirm")
        click(driver, css(driver, "#confirm-publish"))
        wait(driver, lambda d: "已发布" in toast_text(d))

        step("4. the screen's checker refuses it: 拒绝 with a Chinese reason, the local playlist plays on")
        wait(driver, lambda d: receipt_lines(d, "#playlist-receipt").get(NAMES["hall-2f"], ("",))[0] == "refused", 15)
        text = wait(driver, lambda d: receipt_lines(d, "#playlist-receipt"))[NAMES["hall-2f"]][1]
        assert text == ("拒绝：这块屏幕的检查没有通过，仍在播放原来的节目单：第 1 项「办事指南」的网址：这块屏幕不允许打开这个网站；"
                        "请管理员把它加到这块屏幕允许的网站名单里"), text
        assert "allowed_hosts" not in text and "host" not in text, text
        assert current_item(fleet, "hall-2f") == "local-a"
        shot(driver, "playlist-refused")

        step("5. an approved change: its receipt on the approvals page")
        api.request("POST", "/api/settings", {"require_approval": True}, {"X-CSRF-Token": api.csrf})
        editor = Http(fleet.url)
        editor.login(EDITOR, PASSWORDS[EDITOR])
        status, raw, _ = editor.request("POST", "/api/notices", {
            "text": "明天上午九点恢复办理。", "scopes": ["group/floor/1"], "until": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 8 * 3600 + 86400)), "interrupt": False,
            "urgent": False}, {"X-CSRF-Token": editor.csrf})
        assert status == 200 and json.loads(raw)["pending"], raw
        driver.get(fleet.url + "/approvals")
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-action=approve]"))[0])
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.ask[open] [data-dialog=ok]"))[0])  # asked first
        wait(driver, lambda d: "已批准并发布" in toast_text(d))
        wait(driver, lambda d: css(d, "#approval-receipt .receipt-summary").text == "2/2 块已显示", 10)
        driver.get(fleet.url + "/approvals")
        recent = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#approved-recent .receipt-summary"))[0]
        assert recent.text == "2/2 块已显示", recent.text
        shot(driver, "approvals-receipt")

        print(f"ok ({time.monotonic() - started:.1f} s)")
    except Exception:
        for name in ("console", "hall-1e", "hall-1w", "hall-2f"):
            print(f"--- {name} log:\n{fleet.log(name)}")
        if driver:
            print("--- page:\n" + driver.find_element(By.TAG_NAME, "body").text[:3000])
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    main()
