#!/usr/bin/python3
"""Approval that guides and sessions that fit a working day, in a real browser (Debian's
chromium) against a real broker and kiosk-console:

- an editor submits a playlist change: the page says 等待审核 and keeps their version;
- an approver sees the count of waiting work on the 审核 link, sends the change back with a
  reason typed in a form, and the editor reads that reason on their page and on 审核;
- an editor's 紧急 notice goes out at once and waits on 审核 for review after;
- 批准并发布 and 撤下 ask first, naming what will happen;
- a session ended while a notice is being typed: the page says so, the login brings the
  clerk back, and the draft is offered and restored (a playlist's edits likewise);
- 重设密码 is a form with the password typed twice; the clerk's mistakes are 400/422.

    /usr/bin/python3 tests/console/test_browser_approvals.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (report_failure, choose_text_mode, ADMIN, EDITOR, APPROVER, OTHER, PASSWORDS, step, browser, wait, css,  # noqa: E402
                     login, logout, toast_text, shot, shots_argument, click, click_labelled)
from selenium.webdriver.common.by import By  # noqa: E402

REASON = "第 2 项的文字有错别字，请改正后再提交"


def post(api, path, body):
    status, raw, _ = api.request("POST", path, body, {"X-CSRF-Token": api.csrf})
    return status, json.loads(raw or b"{}")


def get(api, path):
    status, raw, _ = api.request("GET", path)
    return status, json.loads(raw or b"null")


def dialog(driver):
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.ask[open]"))[0]


def dialog_gone(driver):
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.ask"))


def badge(driver):
    b = driver.find_elements(By.CSS_SELECTOR, "#waiting-count")
    return "" if not b or b[0].get_attribute("hidden") is not None else b[0].text


def goto_login_as(driver, url, name):
    if driver.find_elements(By.CSS_SELECTOR, "#who button"):
        logout(driver)
    login(driver, url, name, PASSWORDS[name])


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        for name, role in ((ADMIN, "admin"), (EDITOR, "editor"), (APPROVER, "approver"), (OTHER, "editor")):
            fleet.adduser(name, role, PASSWORDS[name])
        fleet.start_console()
        url = fleet.url
        admin = Http(url)
        admin.login(ADMIN, PASSWORDS[ADMIN])

        step("1. the settings' defaults; the clerk's mistakes are 400/422, never 503; the favicon")
        status, users = get(admin, "/api/users")
        assert users["urgent_needs_approval"] is False and users["session_max_hours"] == 12, users
        assert post(admin, "/api/settings", {"session_max_hours": 0})[0] == 422
        assert post(admin, "/api/settings", {"require_approval": True})[0] == 200
        status, body = post(admin, "/api/notices", {"text": "没有选屏幕的通知", "until": "2099-01-01T18:00", "scopes": []})
        assert status == 422 and "屏幕" in body["error"], (status, body)
        status, body = post(admin, "/api/notices", {"text": "选了不存在的范围", "until": "2099-01-01T18:00", "scopes": ["nowhere"]})
        assert status == 422, (status, body)
        status, body = post(admin, "/api/playlist", {"scope": "", "playlist": {"version": 1, "items": []}})
        assert status == 400, (status, body)
        status, _, headers = admin.request("GET", "/static/favicon.svg")
        assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
        status, body = post(admin, "/api/playlist", {"scope": "all", "playlist": {"version": 1, "items": [
            {"id": "item-a", "title": "甲项目", "text": "甲项目\n这是甲项目的正文。"}]}})
        assert status in (200, 202), (status, body)

        driver = browser()
        step("2. an editor submits a playlist change: 等待审核, and the form keeps their version")
        login(driver, url, EDITOR, PASSWORDS[EDITOR])
        assert driver.execute_script(
            "return document.querySelector('link[rel=icon]').href").endswith("/static/favicon.svg")
        assert not driver.find_elements(By.CSS_SELECTOR, "#waiting-count"), "an editor has no badge"
        driver.get(url + "/playlist")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "fieldset.item")) == 1)
        click_labelled(driver, ".actions.sticky button", "添加一项")
        choose_text_mode(driver, 1)
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#text-1"))[0].send_keys("乙项目\n这是乙项目的正文。")
        css(driver, "#title-1").send_keys("乙项目")
        assert css(driver, "#publish").text == "提交审核"
        click(driver, css(driver, "#publish"))
        wait(driver, lambda d: "已提交审核" in toast_text(d))
        pending = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-change [data-state=pending]"))[0]
        assert "等待审核" in pending.text, pending.text
        assert len(driver.find_elements(By.CSS_SELECTOR, "fieldset.item")) == 2, "the editor's version is gone"
        driver.get(url + "/playlist")  # again later: still their version, still waiting
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-change [data-state=pending]"))
        assert css(driver, "#title-1").get_attribute("value") == "乙项目"
        assert not driver.find_elements(By.CSS_SELECTOR, "#playlist-draft .draft-offer"), "a sent change offered as a draft"
        shot(driver, "editor-playlist-pending")

        step("3. an editor's 紧急 notice is shown at once (marked for review); a session ends mid-notice, the draft survives")
        driver.get(url + "/notices")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=scope][value='all']"))
        css(driver, "#notice-text").send_keys("因停电，今天下午暂停办理所有业务。")
        click(driver, css(driver, "input[name=scope][value='all']"))
        set_urgent(driver, True)
        assert css(driver, "#notice-publish").text == "发布"  # 紧急 from an editor: at once
        click(driver, css(driver, "#notice-publish"))
        wait(driver, lambda d: "紧急通知已发布" in toast_text(d))
        assert wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-list tbody tr"))
        # Now one that waits for approval, typed when the session ends.
        css(driver, "#notice-text").send_keys("下午三点起三楼窗口暂停服务，请到二楼办理。")
        css(driver, "#notice-title").send_keys("三楼窗口暂停")
        set_urgent(driver, False)
        if not css(driver, "input[name=scope][value='all']").is_selected():  # the form keeps the screens chosen
            click(driver, css(driver, "input[name=scope][value='all']"))
        db = sqlite3.connect(os.path.join(fleet.dir, "console", "console.db"), timeout=10)
        db.execute("UPDATE sessions SET expires = 0 WHERE user = ?", (EDITOR,))
        db.commit()
        db.close()
        click(driver, css(driver, "#notice-preview-button"))  # the next request finds the session over
        banner = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#session-ended"))[0]
        assert "登录已过期" in banner.text and "恢复" in banner.text, banner.text
        shot(driver, "session-ended")
        wait(driver, lambda d: "/login" in d.current_url and ("next=%2Fnotices" in d.current_url or "next=/notices" in d.current_url))
        assert "登录已过期" in wait(driver, lambda d: css(d, "#login-error").text)
        css(driver, "#name").send_keys(EDITOR)
        css(driver, "#password").send_keys(PASSWORDS[EDITOR])
        click(driver, css(driver, "#login button"))
        wait(driver, lambda d: d.current_url.endswith("/notices"))
        offer = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-draft .draft-offer"))[0]
        assert "三楼窗口暂停" in offer.text, offer.text
        assert css(driver, "#notice-text").get_attribute("value") == ""
        shot(driver, "notice-draft-offered")
        click(driver, offer.find_element(By.CSS_SELECTOR, "[data-action=restore-draft]"))
        assert css(driver, "#notice-text").get_attribute("value") == "下午三点起三楼窗口暂停服务，请到二楼办理。"
        assert css(driver, "#notice-title").get_attribute("value") == "三楼窗口暂停"
        assert css(driver, "input[name=scope][value='all']").is_selected()
        assert css(driver, "#notice-publish").text == "提交审核"
        click(driver, css(driver, "#notice-publish"))
        wait(driver, lambda d: "已提交审核" in toast_text(d))
        row = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-mine tr[data-state=pending]"))[0]
        assert "等待审核" in row.text and "三楼窗口暂停" in row.text, row.text
        driver.get(url + "/notices")  # sent: no draft any more
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-mine tr[data-state=pending]"))
        assert not driver.find_elements(By.CSS_SELECTOR, "#notice-draft .draft-offer"), "a sent notice offered as a draft"

        step("4. the approver: the count on 审核, the 紧急 notice to review, 退回 with a reason, 批准并发布 asked first")
        goto_login_as(driver, url, APPROVER)
        wait(driver, lambda d: badge(d) == "3")  # two changes, one 紧急 notice to review
        driver.get(url + "/approvals")
        urgent = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#urgent-review tr[data-urgent]"))
        assert "因停电" in urgent[0].text and EDITOR in urgent[0].text, urgent[0].text
        assert "紧急通知（未经审核）" in css(driver, "#urgent-review h2").text
        shot(driver, "approvals-waiting")
        click(driver, urgent[0].find_element(By.CSS_SELECTOR, "[data-action=reviewed]"))
        wait(driver, lambda d: "已标记为复核过" in toast_text(d))
        wait(driver, lambda d: badge(d) == "2")
        playlist_card = wait(driver, lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, "#approvals article[data-change]")
                                                if c.get_attribute("data-kind") == "playlist"])[0]
        change_id = playlist_card.get_attribute("data-change")
        click(driver, playlist_card.find_element(By.CSS_SELECTOR, "[data-action=reject]"))
        box = dialog(driver)
        assert "退回给 " + EDITOR in box.text, box.text
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))  # no reason: refused in the form
        wait(driver, lambda d: "请填写退回原因" in css(d, "dialog.ask .error").text)
        box.find_element(By.CSS_SELECTOR, "textarea").send_keys(REASON)
        shot(driver, "reject-reason")
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: "已退回" in toast_text(d))
        dialog_gone(driver)
        wait(driver, lambda d: badge(d) == "1")
        # The API refuses 退回 without a reason too (the form is not the only door).
        status, changes = get(admin, "/api/approvals")
        notice_change = [c for c in changes if c["kind"] == "notice"][0]
        status, body = post(admin, "/api/approvals/decide", {"id": notice_change["id"], "approve": False, "reason": "  "})
        assert status == 422 and "原因" in body["error"], (status, body)
        # 批准并发布 asks first; cancelled, nothing happens.
        notice_card = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#approvals article[data-change='{notice_change['id']}']"))[0]
        click(driver, notice_card.find_element(By.CSS_SELECTOR, "[data-action=approve]"))
        box = dialog(driver)
        assert "三楼窗口暂停" in box.text and "马上显示" in box.text, box.text
        shot(driver, "approve-confirm")
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=cancel]"))
        dialog_gone(driver)
        status, changes = get(admin, "/api/approvals")
        assert [c["id"] for c in changes] == [notice_change["id"]], changes  # still waiting
        click(driver, css(driver, f"#approvals article[data-change='{notice_change['id']}'] [data-action=approve]"))
        click(driver, dialog(driver).find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: "已批准并发布" in toast_text(d))
        wait(driver, lambda d: badge(d) == "")
        assert "没有等待审核的修改" in wait(driver, lambda d: css(d, "#approvals").text)

        step("5. 撤下 asks first, naming the notice and where it comes off")
        driver.get(url + "/notices")
        rows = wait(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#notice-list tbody tr") if "三楼窗口暂停" in r.text])
        click(driver, rows[0].find_element(By.CSS_SELECTOR, "[data-action=clear]"))
        box = dialog(driver)
        assert "三楼窗口暂停" in box.text and "撤下" in box.text, box.text
        shot(driver, "clear-confirm")
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: "通知已撤下" in toast_text(d))
        wait(driver, lambda d: not [r for r in d.find_elements(By.CSS_SELECTOR, "#notice-list tbody tr") if "三楼窗口暂停" in r.text])

        step("6. the editor reads the reason on the playlist page, with their version, and on 审核")
        goto_login_as(driver, url, EDITOR)
        driver.get(url + "/playlist")
        rejected = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-change [data-state=rejected]"))[0]
        assert "已退回：" + REASON in rejected.text and APPROVER in rejected.text, rejected.text
        assert css(driver, "#title-1").get_attribute("value") == "乙项目"
        shot(driver, "editor-playlist-rejected")
        # Edits to the playlist are a draft too: the page left and opened again offers them.
        css(driver, "#title-1").clear()
        css(driver, "#title-1").send_keys("乙项目（已改正）")
        driver.get(url + "/playlist")
        offer = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-draft .draft-offer"))[0]
        assert "乙项目（已改正）" in offer.text, offer.text
        assert css(driver, "#title-1").get_attribute("value") == "乙项目"
        click(driver, offer.find_element(By.CSS_SELECTOR, "[data-action=restore-draft]"))
        wait(driver, lambda d: css(d, "#title-1").get_attribute("value") == "乙项目（已改正）")
        driver.get(url + "/approvals")
        card = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#approvals article[data-change='{change_id}']"))[0]
        assert "已退回：" + REASON in card.text, card.text
        driver.get(url + "/notices")
        approved = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-mine tr[data-state=approved]"))[0]
        assert "已批准" in approved.text, approved.text

        step("7. 重设密码: a form in the page, the password typed twice")
        goto_login_as(driver, url, ADMIN)
        driver.get(url + "/users")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#urgent-needs-approval"))
        assert not css(driver, "#urgent-needs-approval").is_selected()
        assert css(driver, "#session-max-hours").get_attribute("value") == "12"
        click(driver, css(driver, f"tr[data-user='{OTHER}'] [data-action=reset-password]"))
        box = dialog(driver)
        fields = box.find_elements(By.CSS_SELECTOR, "input[type=password]")
        assert len(fields) == 2
        fields[0].send_keys("new-pass-2026")
        fields[1].send_keys("new-pass-2027")
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: "不一样" in css(d, "dialog.ask .error").text)
        shot(driver, "reset-password")
        fields[1].clear()
        fields[1].send_keys("new-pass-2026")
        click(driver, box.find_element(By.CSS_SELECTOR, "[data-dialog=ok]"))
        wait(driver, lambda d: f"已重设 {OTHER} 的密码" in toast_text(d))
        Http(url).login(OTHER, "new-pass-2026")
        driver.quit()
        driver = None
        status = fleet.stop("console")
        assert status == 0, f"kiosk-console exited with {status}:\n" + fleet.log("console")
        print(f"== approvals and sessions browser tests passed in {time.monotonic() - started:.1f} s", flush=True)
        return 0
    except Exception:
        report_failure(driver, fleet, ("console",))
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


def set_urgent(driver, on):
    """The notice's 紧急 choice, whichever form the page has: the mode radios (hold / turn)
    or the 紧急样式 checkbox."""
    mode = driver.find_elements(By.CSS_SELECTOR, f"input[name=mode][value='{'hold' if on else 'turn'}']")
    if mode:
        if not mode[0].is_selected():
            click(driver, mode[0])
        return
    box = css(driver, "#notice-urgent")
    if box.is_selected() != on:
        click(driver, box)


if __name__ == "__main__":
    sys.exit(main())
