#!/usr/bin/python3
"""开放时间 in a real browser (issue 28): a clerk types the week's hours as clerks type them
(8:30-12:00，１３：００－１７：３０), turns lunch off, adds 春节 as 放假 and a 调休 Saturday that works
Monday's hours, and sees the next 14 days change as the screens will live them; a wrong range
is explained beside its weekday; 发布 to a group publishes one signed `calendar` document and
the group's screen acks it (已生效); the 操作日志 says 发布开放时间 by the group's name. A second
screen whose status says its panel is asleep shows 休眠（春节，2月17日 08:15 开启） on the 屏幕 page,
not 离线 and not as a problem.

The asleep screen is a status published on the broker with that screen's own certificate
(mosquitto_pub), as a kiosk asleep sends it (kiosk-status/1 with "power").

    /usr/bin/python3 tests/console/test_hours.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import base64
import datetime
import json
import os
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, EDITOR, PASSWORDS, step, browser, wait, css, login, shot, shots_argument,  # noqa: E402
                     click, report_failure)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def publish_as_screen(fleet, screen, leaf, payload):
    """A retained message on the screen's own topic, with its own certificate (the ACL's %u)."""
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(fleet.broker_port), "--cafile", f"{fleet.ca}/ca.pem",
                    "--cert", f"{fleet.ca}/{screen}.pem", "--key", f"{fleet.ca}/{screen}.key", "--tls-version", "tlsv1.2",
                    "-i", f"{screen}-test", "-t", f"kiosk/v1/screen/{screen}/{leaf}", "-m", payload, "-r", "-q", "1"],
                   check=True, timeout=20)


def set_date(driver, element, value):
    """A date picked from the browser's own date picker (its typed form depends on the locale)."""
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", element, value)


def type_into(driver, selector, text):
    el = css(driver, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.clear()
    el.send_keys(text)
    return el


def day_row(driver, date):
    return css(driver, f"#hours-days tr[data-date='{date}']")


def day_text(driver, date):
    return day_row(driver, date).find_element(By.CSS_SELECTOR, "[data-role=power]").text


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
        fleet.start_screen("s-1f", ["floor/1"])
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        csrf = {"X-CSRF-Token": api.csrf}

        def screens():
            return {s["id"]: s for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]}
        wait_for(lambda: screens().get("s-1f", {}).get("state") == "online", 40, "the screen online")
        for kind, id_, name in (("screen", "s-1f", "1楼东侧屏"), ("group", "floor/1", "一楼大厅"), ("screen", "s-2f", "2楼西侧屏")):
            status, body, _ = api.request("POST", "/api/names", {"kind": kind, "id": id_, "name": name}, csrf)
            assert status == 200, (status, body)

        # The days the test speaks of, in the hall's zone: 春节 the day after tomorrow for two
        # days, and the first Saturday after it a 调休 working day.
        today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
        holiday, holiday_end = today + datetime.timedelta(days=2), today + datetime.timedelta(days=3)
        saturday = holiday_end + datetime.timedelta(days=1)
        while saturday.weekday() != 5:
            saturday += datetime.timedelta(days=1)
        wakes = holiday_end + datetime.timedelta(days=1)

        step("0. a second screen asleep over 春节 (its status, as an asleep kiosk sends it)")
        fleet._ca("client", "s-2f")
        publish_as_screen(fleet, "s-2f", "state", "online")
        publish_as_screen(fleet, "s-2f", "status", json.dumps({
            "format": "kiosk-status/1", "version": "0.9.0", "updated": f"{today} 20:00:00",
            "current": {"standing": True, "item": "(standing)"},
            "fleet": {"connected": True, "groups": ["floor/2"], "hall": "测试政务服务中心", "size": {"width": 960, "height": 540}},
            "health": {"frames": {"last_minute": 0, "uniform": True, "colour": "#000000"}},
            "power": {"state": "asleep", "reason": "节假日", "day_name": "春节", "since": f"{holiday} 00:00:00",
                      "wakes": f"{wakes} 08:15:00", "backend": "none", "panel": "off"}}, ensure_ascii=False))
        wait_for(lambda: screens().get("s-2f", {}).get("state") == "asleep", 20, "the asleep screen heard")

        driver = browser()
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])

        step("1. the 屏幕 page: 2楼西侧屏 is 休眠（春节，… 08:15 开启）, not 离线 and not a problem")
        badge = wait(driver, lambda d: css(d, "article[data-screen='s-2f'] [data-role=state]").text.startswith("休眠") and
                     css(d, "article[data-screen='s-2f'] [data-role=state]").text)
        assert badge.startswith("休眠（春节，"), badge  # schedule::asleep_words: a holiday by its name
        assert f"{wakes.month}月{wakes.day}日 08:15 开启" in badge, badge
        assert "离线" not in css(driver, "article[data-screen='s-2f']").text
        assert "problem" not in css(driver, "article[data-screen='s-2f']").get_attribute("class")
        summary = wait(driver, lambda d: css(d, "[data-role=summary]").text)
        assert "1 块休眠" in summary and "离线" not in summary, summary
        shot(driver, "hours-screens-asleep")

        step("2. 开放时间 in the navigation; the group chosen by its name; the yearly step on the page")
        click(driver, wait(driver, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "#nav a") if a.text == "开放时间"][0]))
        wait(driver, lambda d: d.current_url.endswith("/hours"))
        wait(driver, lambda d: css(d, "#hours-days tbody tr"))
        assert css(driver, "#hours-yearly").text == "每年11月国务院办公厅公布下一年的放假安排后，在这里录入"
        Select(css(driver, "#scope")).select_by_visible_text("分组：一楼大厅")
        wait(driver, lambda d: css(d, "#hours-publish").text == "发布到「一楼大厅」")
        wait(driver, lambda d: "还没有发布过" in css(d, "#hours-info").text)
        assert not css(driver, "#hours-clear").is_displayed()  # nothing of the group's to clear yet
        assert day_text(driver, str(saturday)) == "休眠（周末）", day_text(driver, str(saturday))
        rows = driver.find_elements(By.CSS_SELECTOR, "#hours-days tbody tr")
        assert len(rows) == 14, len(rows)

        step("3. the week typed as clerks type it; a wrong range explained beside its weekday")
        monday = type_into(driver, "#week-mon", "8:30-12:00，１３：００－１７：３０")
        type_into(driver, "#week-tue", "8点半到12点")
        wait(driver, lambda d: "星期二：时段「8点半到12点」" in css(d, ".field-error[data-slot='hours.tue']").text)
        assert css(driver, "#week-tue").get_attribute("aria-invalid") == "true"
        wait(driver, lambda d: "上面有要修改的地方" in css(d, "#hours-days").text)
        shot(driver, "hours-error")
        # Two ranges of a day that overlap: a typing slip the screens refuse, said beside the day.
        type_into(driver, "#week-tue", "8:30-12:00，11:00-17:00")
        wait(driver, lambda d: "时段 08:30-12:00 和 11:00-17:00 重叠了" in css(d, ".field-error[data-slot='hours.tue']").text)
        type_into(driver, "#week-tue", "8:30-12:00，13:00-17:00")
        click(driver, css(driver, "#hours-before"))  # leaves Monday's box: shown tidied
        assert monday.get_attribute("value") == "08:30-12:00，13:00-17:30", monday.get_attribute("value")
        click(driver, [r for r in driver.find_elements(By.CSS_SELECTOR, "input[name=lunch]") if r.get_attribute("value") == "off"][0])
        wait(driver, lambda d: css(d, ".field-error[data-slot='hours.tue']").text == "")
        # Lunch off: the panel sleeps over lunch; each stretch with its margins.
        this_monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7)
        wait(driver, lambda d: day_text(d, str(this_monday)) == "开启 08:15–12:10，12:45–17:40", 10)

        step("4. 春节 as 放假 (two days) and a 调休 Saturday working Monday's hours: the 14 days change")
        click(driver, css(driver, "#hours-add"))
        set_date(driver, wait(driver, lambda d: css(d, "tr[data-row='0'] input[data-input=date]")), str(holiday))
        set_date(driver, css(driver, "tr[data-row='0'] input[data-input=until]"), str(holiday_end))
        type_into(driver, "tr[data-row='0'] input[data-input=name]", "春节")
        click(driver, css(driver, "#hours-add"))
        set_date(driver, wait(driver, lambda d: css(d, "tr[data-row='1'] input[data-input=date]")), str(saturday))
        Select(css(driver, "tr[data-row='1'] select[data-input=kind]")).select_by_visible_text("调休上班")
        wait(driver, lambda d: css(d, "tr[data-row='1'] select[data-input=open]"))
        type_into(driver, "tr[data-row='1'] input[data-input=name]", "春节调休上班")
        wait(driver, lambda d: day_text(d, str(holiday)) == "休眠（节假日：春节）")
        assert day_text(driver, str(holiday_end)) == "休眠（节假日：春节）"
        wait(driver, lambda d: day_text(d, str(saturday)) == "开启 08:15–12:10，12:45–17:40")
        note = day_row(driver, str(saturday)).text
        assert "调休上班：春节调休上班（按星期一的时间）" in note, note
        assert WEEKDAYS[saturday.weekday()] in note, note
        shot(driver, "hours-form")

        step("4b. 给哪些屏幕 changed before 发布: asked first; 留在 keeps the scope, 带着改动 carries what was typed")

        def switch_scope(label, answer_starts):
            Select(css(driver, "#scope")).select_by_visible_text(label)
            dialog = wait(driver, lambda d: css(d, "dialog[open]"))
            assert "有改动还没有发布" in dialog.text, dialog.text
            click(driver, [b for b in dialog.find_elements(By.CSS_SELECTOR, "button") if b.text.startswith(answer_starts)][0])
            wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"))

        def typed_kept():
            assert css(driver, "#week-mon").get_attribute("value") == "08:30-12:00，13:00-17:30"
            assert css(driver, "tr[data-row='0'] input[data-input=name]").get_attribute("value") == "春节"
            wait(driver, lambda d: css(d, "#hours-unsaved").is_displayed())

        switch_scope("全部屏幕", "留在")
        assert css(driver, "#scope").get_attribute("value") == "group/floor/1"
        assert css(driver, "#hours-publish").text == "发布到「一楼大厅」"
        typed_kept()
        switch_scope("全部屏幕", "带着改动")
        wait(driver, lambda d: css(d, "#hours-publish").text == "发布到「全部屏幕」")
        typed_kept()
        switch_scope("分组：一楼大厅", "带着改动")
        wait(driver, lambda d: css(d, "#hours-publish").text == "发布到「一楼大厅」")
        typed_kept()
        wait(driver, lambda d: day_text(d, str(holiday)) == "休眠（节假日：春节）")

        step("5. 发布 to the group: one signed calendar document; the screen's ack says 已生效")
        click(driver, css(driver, "#hours-publish"))
        wait(driver, lambda d: css(d, "#hours-receipt .receipt-summary"), 15)
        wait(driver, lambda d: css(d, "#hours-receipt .receipt-summary").text == "1/1 块已生效", 30)
        line = css(driver, "#hours-receipt li.receipt-line").text
        assert "1楼东侧屏" in line and "已生效" in line, line
        wait(driver, lambda d: "当前版本由 wang" in css(d, "#hours-info").text)
        assert css(driver, "#hours-clear").is_displayed()
        shot(driver, "hours-published")
        desired = fleet.retained_desired()
        doc = desired.get("kiosk/v1/desired/group/floor/1/calendar")
        assert doc, sorted(desired)
        payload = json.loads(base64.b64decode(json.loads(doc)["payload"]))
        assert payload["kind"] == "calendar" and payload["target"] == "group/floor/1", payload
        body = payload["body"]
        assert body["format"] == "kiosk-calendar/1" and body["lunch"] == "off", body
        assert body["hours"]["mon"] == ["08:30-12:00", "13:00-17:30"], body["hours"]
        assert {"date": str(holiday), "until": str(holiday_end), "closed": True, "name": "春节"} in body["days"], body["days"]
        assert {"date": str(saturday), "open": "mon", "name": "春节调休上班"} in body["days"], body["days"]
        entries = json.loads(api.request("GET", "/api/audit?action=publish_calendar")[1])
        assert len(entries) == 1 and entries[0]["action_name"] == "发布开放时间" and entries[0]["target_name"] == "一楼大厅", entries
        assert "春节" in entries[0]["summary"], entries[0]
        # Kept in the console: the page loads what was published.
        driver.refresh()
        Select(wait(driver, lambda d: css(d, "#scope"))).select_by_visible_text("分组：一楼大厅")
        wait(driver, lambda d: css(d, "#week-mon").get_attribute("value") == "08:30-12:00，13:00-17:30")
        assert css(driver, "tr[data-row='0'] input[data-input=name]").get_attribute("value") == "春节"
        step("6. with approval on, an editor's calendar waits on 审核 and is published at approval; clearing")
        status, raw, _ = api.request("POST", "/api/settings", {"require_approval": True}, csrf)
        assert status == 200, (status, raw)
        editor = Http(fleet.url)
        editor.login(EDITOR, PASSWORDS[EDITOR])
        status, raw, _ = editor.request("POST", "/api/calendar", {"scope": "screen/s-1f", "calendar": body},
                                        {"X-CSRF-Token": editor.csrf})
        assert status == 200 and json.loads(raw).get("pending"), (status, raw)
        assert "kiosk/v1/desired/screen/s-1f/calendar" not in fleet.retained_desired()
        status, raw, _ = editor.request("POST", "/api/calendar/clear", {"scope": "group/floor/1"}, {"X-CSRF-Token": editor.csrf})
        assert status == 422 and "审核人或管理员" in json.loads(raw)["error"], (status, raw)
        driver.get(fleet.url + "/approvals")
        card = wait(driver, lambda d: css(d, "article[data-kind=calendar]").text)
        assert "开放时间：1楼东侧屏" in card, card
        shot(driver, "hours-approval")
        waiting = [c for c in json.loads(api.request("GET", "/api/approvals")[1]) if c["kind"] == "calendar"]
        assert len(waiting) == 1 and waiting[0]["label"] == "1楼东侧屏", waiting
        status, raw, _ = api.request("POST", "/api/approvals/decide", {"id": waiting[0]["id"], "approve": True}, csrf)
        assert status == 200, (status, raw)
        wait_for(lambda: "kiosk/v1/desired/screen/s-1f/calendar" in fleet.retained_desired(), 10, "the approved calendar on the broker")
        status, raw, _ = api.request("POST", "/api/calendar/clear", {"scope": "group/floor/1"}, csrf)
        assert status == 200, (status, raw)
        cleared = json.loads(base64.b64decode(json.loads(fleet.retained_desired()["kiosk/v1/desired/group/floor/1/calendar"])["payload"]))
        assert cleared["body"] == {"clear": True}, cleared
        actions = [e["action_name"] for e in json.loads(api.request("GET", "/api/audit")[1])]
        for word in ("提交开放时间审核", "批准", "清除开放时间"):
            assert word in actions, actions
        print(f"== done in {time.monotonic() - started:.0f} s; 屏幕 summary {summary!r}; asleep badge {badge!r}")
    except BaseException:
        report_failure(driver, fleet, ("console", "s-1f"))
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    main()
