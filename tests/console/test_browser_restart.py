#!/usr/bin/python3
"""重启 on the 屏幕 page, in a real browser with a real screen: the question in plain words
(确定要重启 1楼东侧屏 吗？屏幕会黑屏约 10 秒。), the screen's kiosk ending with the restart's exit
status (75) as systemd would see it, the receipt (已重启), the 操作日志 entry (重启屏幕, by the
screen's name) and its receipt; an editor while approval is on has no button and is refused
by the console too; a group restarted from 重启一组屏幕 once its screen is back (a new
generation restarts it again).

    /usr/bin/python3 tests/console/test_browser_restart.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, EDITOR, PASSWORDS, step, browser, wait, css, login, logout, shot, shots_argument,  # noqa: E402
                     click, report_failure)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402

RESTART_STATUS = 75  # kiosk::app::kExitRestart


def fresh(driver, read):
    """read(driver), again if the page rebuilt the element meanwhile (it does every 3 s)."""
    for _ in range(50):
        try:
            return read(driver)
        except StaleElementReferenceException:
            time.sleep(0.05)
    return read(driver)


def click_css(driver, selector):
    wait(driver, lambda d: fresh(d, lambda d2: click(d2, css(d2, selector)) or True))


def confirm(driver, expected):
    """The page's own question (dialog.js): its words, then 重启."""
    text = wait(driver, lambda d: css(d, "dialog.ask").text)
    assert expected in text, text
    shot(driver, "restart-question")
    click(driver, css(driver, "dialog.ask [data-dialog=ok]"))


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.adduser(EDITOR, "editor", PASSWORDS[EDITOR])
        fleet.start_console()
        screen = fleet.start_screen("s-1f", ["floor/1"])
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        csrf = {"X-CSRF-Token": api.csrf}

        def state():
            return {s["id"]: s["state"] for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]}.get("s-1f")
        wait_for(lambda: state() == "online", 40, "the screen online")
        status, body, _ = api.request("POST", "/api/names", {"kind": "screen", "id": "s-1f", "name": "1楼东侧屏"}, csrf)
        assert status == 200, (status, body)
        driver = browser()

        step("1. 重启 asks first in plain words; confirmed, the screen stops with the restart's exit status")
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        click_css(driver, "article[data-screen='s-1f'] [data-action=restart]")
        confirm(driver, "确定要重启 1楼东侧屏 吗？屏幕会黑屏约 10 秒。")
        assert screen.wait(timeout=30) == RESTART_STATUS, fleet.log("s-1f")
        assert "stopped for the office's restart" in fleet.log("s-1f"), fleet.log("s-1f")

        step("2. the receipt says 已重启; the 操作日志 has the restart by the screen's name, and its receipt")
        receipt = wait(driver, lambda d: css(d, "[data-role=restart-receipt] .receipt-summary").text, 20)
        wait(driver, lambda d: css(d, "[data-role=restart-receipt] .receipt-summary").text == "1/1 块已重启", 20)
        line = fresh(driver, lambda d: css(d, "[data-role=restart-receipt] li.receipt-line").text)
        assert "1楼东侧屏" in line and "已重启" in line, line
        shot(driver, "restart-receipt")
        entries = json.loads(api.request("GET", "/api/audit?action=restart")[1])
        assert len(entries) == 1, entries  # one request, however the page was clicked
        assert entries[0]["action_name"] == "重启屏幕" and entries[0]["target_name"] == "1楼东侧屏", entries[0]
        assert entries[0]["user"] == ADMIN and "黑屏约 10 秒" in entries[0]["summary"], entries[0]
        wait_for(lambda: any(e["detail"] == "重启回执：已重启 1" for e in json.loads(api.request("GET", "/api/audit?action=receipt")[1])),
                 30, "the restart's receipt in the 操作日志")
        driver.get(fleet.url + "/audit")
        wait(driver, lambda d: "重启屏幕" in css(d, "#audit-table").text and "1楼东侧屏" in css(d, "#audit-table").text)
        shot(driver, "restart-audit")

        step("3. an editor while approval is on: no 重启 on the card, and the console refuses it too")
        screen = fleet.restart_screen("s-1f")  # as systemd would
        wait_for(lambda: state() == "online", 40, "the screen back online")
        status, body, _ = api.request("POST", "/api/settings", {"require_approval": True}, csrf)
        assert status == 200, (status, body)
        logout(driver)
        login(driver, fleet.url, EDITOR, PASSWORDS[EDITOR])
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "article[data-screen='s-1f'] [data-action=screenshot]"))
        assert not driver.find_elements(By.CSS_SELECTOR, "article[data-screen='s-1f'] [data-action=restart]")
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-role=group-restart]")
        editor = Http(fleet.url)
        editor.login(EDITOR, PASSWORDS[EDITOR])
        status, body, _ = editor.request("POST", "/api/restart", {"scope": "screen/s-1f"}, {"X-CSRF-Token": editor.csrf})
        assert status == 422 and "审核人或管理员" in json.loads(body)["error"], (status, body)
        assert screen.poll() is None

        step("4. the admin restarts the group from 重启一组屏幕: a new generation restarts the screen again")
        logout(driver)
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        click_css(driver, "[data-role=group-restart] summary")
        click_css(driver, "[data-role=group-restart] [data-group='floor/1'] [data-action=restart-group]")
        confirm(driver, "确定要重启「1 楼」的 1 块屏幕吗？")
        assert screen.wait(timeout=30) == RESTART_STATUS, fleet.log("s-1f")
        wait(driver, lambda d: css(d, "[data-role=restart-receipt] .receipt-summary").text == "1/1 块已重启", 20)
        entries = json.loads(api.request("GET", "/api/audit?action=restart")[1])
        assert [e["target"] for e in entries] == ["group/floor/1", "screen/s-1f"], entries
        assert "共 1 块屏幕" in entries[0]["summary"], entries[0]
        print(f"== done in {time.monotonic() - started:.0f} s; first receipt {receipt!r}")
    except BaseException:
        report_failure(driver, fleet, ("console", "s-1f"))
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    main()
