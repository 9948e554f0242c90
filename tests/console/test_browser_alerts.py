#!/usr/bin/python3
"""The 告警 page in a real browser (Debian's chromium, headless), with a real Mosquitto,
kiosk-console and a headless kiosk named 1楼东侧屏, and two channels in console.json: a
企业微信 robot on a loopback receiver, and a generic webhook whose server refuses (its
deliveries fail and are retried):

- an admin edits the offline rule in the page (0.1 minutes, all day) and saves it;
- the screen killed with SIGKILL: the page shows the open alert in red, by the screen's
  name, with each delivery's state — 已送达 for the robot, 发送失败：…，将在 HH:MM 重试 for
  the refusing one;
- 发送测试 on the robot: the channels list says 已送达;
- an editor sees the alerts and the rules in words, and no form to change them;
- the page never shows a technical id (the screen's id, a channel's id, a rule's kind).

    /usr/bin/python3 tests/console/test_browser_alerts.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, free_port, wait_for  # noqa: E402
from alert_sinks import Webhook  # noqa: E402
from browser import (ADMIN, EDITOR, PASSWORDS, step, browser, wait, css, login, logout, toast_text,  # noqa: E402
                     shot, shots_argument, click, report_failure)
from selenium.webdriver.common.by import By  # noqa: E402

SCREEN, NAME = "hall-1f-east", "1楼东侧屏"
IDS = [SCREEN, "it-wecom", "ops-hook", "floor/1", "offline", "standing", "undefined", "null", "NaN"]


def body_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = hook = None
    started = time.monotonic()
    try:
        hook = Webhook()
        with open(fleet.console_json) as f:
            settings = json.load(f)
        settings["alerts"] = {"channels": [
            {"id": "it-wecom", "name": "信息科企业微信群", "kind": "wecom", "url": hook.url + "/cgi-bin/webhook/send?key=k"},
            {"id": "ops-hook", "name": "运维平台", "kind": "webhook", "url": f"http://127.0.0.1:{free_port()}/alerts"}]}
        fleet.write_json(fleet.console_json, settings)
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.adduser(EDITOR, "editor", PASSWORDS[EDITOR])
        fleet.start_console()
        fleet.start_screen(SCREEN, ["floor/1"])
        driver = browser()

        step("1. the admin names the screen and edits the offline rule on 告警")
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        wait(driver, lambda d: SCREEN in body_text(d) or d.find_elements(By.CSS_SELECTOR, ".screen"), 30)
        driver.execute_script("""return fetch('/api/names', {method: 'POST', headers: {'Content-Type': 'application/json',
            'X-CSRF-Token': arguments[0]}, body: JSON.stringify({kind: 'screen', id: arguments[1], name: arguments[2]})}).then(r => r.status)""",
                              driver.execute_script("return fetch('/api/me').then(r => r.json()).then(j => j.csrf)"), SCREEN, NAME)
        click(driver, wait(driver, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "#nav a") if a.text == "告警"])[0])
        form = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "form.rule[data-kind=offline]"))[0]
        assert "屏幕离线" in form.text and "持续" in form.text, form.text
        shot(driver, "alerts-rules")
        for name, value in (("minutes", "0.1"), ("open_from", "00:00"), ("open_until", "24:00"), ("remind_hours", "0")):
            field = form.find_element(By.CSS_SELECTOR, f"[name={name}]")
            field.clear()
            field.send_keys(value)
        for box in form.find_elements(By.CSS_SELECTOR, "[name=weekday]"):
            if not box.is_selected():
                click(driver, box)
        click(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(driver, lambda d: "已保存「屏幕离线」" in toast_text(d))
        wait(driver, lambda d: "屏幕离线或没有响应超过 0.1 分钟（每天 全天）" in css(d, "form.rule[data-kind=offline]").text)
        wait(driver, lambda d: "现在没有告警" in css(d, "#open-alerts").text)

        step("2. SIGKILL: the open alert in red with each delivery's state")
        fleet.kill(SCREEN)
        card = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#open-alerts .alert.open"), 40)[0]
        wait(driver, lambda d: "已送达" in css(d, "#open-alerts .alert.open").text and "发送失败" in css(d, "#open-alerts .alert.open").text, 40)
        card = css(driver, "#open-alerts .alert.open")
        text = card.text
        print("   " + text.replace("\n", "\n   "))
        assert f"{NAME} · 屏幕离线" in text and f"【告警】{NAME} 已离线" in text, text
        assert re.search(r"信息科企业微信群（告警）：已送达 \d+月\d+日 \d\d:\d\d", text), text
        assert re.search(r"运维平台（告警）：发送失败：.+，将在 \d\d:\d\d 重试", text), text
        colour = driver.execute_script("return getComputedStyle(arguments[0]).borderColor", card)
        assert colour == "rgb(178, 34, 34)", colour
        assert [t for t in hook.texts() if t.startswith("【告警】") and f"\n{NAME} 已离线" in t], hook.texts()
        shot(driver, "alerts-open")

        step("3. 发送测试 to the robot")
        row = [r for r in driver.find_elements(By.CSS_SELECTOR, "#alert-channels tbody tr") if "信息科企业微信群" in r.text][0]
        assert "企业微信群机器人" in row.text, row.text
        click(driver, row.find_element(By.TAG_NAME, "button"))
        wait(driver, lambda d: "测试消息已排队" in toast_text(d))
        wait(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#alert-channels tbody tr")
                                if "信息科企业微信群" in r.text and "已送达" in r.text], 30)
        assert [t for t in hook.texts() if "【测试】" in t], hook.texts()
        page = body_text(driver)
        for word in IDS:
            assert word not in page, f"the page shows {word!r}"
        shot(driver, "alerts-tested")

        step("4. an editor sees the alerts, the rules in words, no form")
        logout(driver)
        login(driver, fleet.url, EDITOR, PASSWORDS[EDITOR])
        driver.get(fleet.url + "/alerts")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#open-alerts .alert.open"), 20)
        assert not driver.find_elements(By.CSS_SELECTOR, "form.rule"), "an editor got the rules form"
        assert "只有管理员可以修改规则" in body_text(driver)
        assert not [b for b in driver.find_elements(By.CSS_SELECTOR, "#alert-channels button")], "an editor got 发送测试"
        for word in IDS:
            assert word not in body_text(driver), f"the page shows {word!r}"
        print(f"   done in {time.monotonic() - started:.1f} s")
        return 0
    except Exception:
        report_failure(driver, fleet, ("console", SCREEN))
        raise
    finally:
        if driver:
            driver.quit()
        if hook:
            hook.close()
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
