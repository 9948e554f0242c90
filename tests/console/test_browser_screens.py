#!/usr/bin/python3
"""The 屏幕 page at a glance, in a real browser with real screens: one stopped cleanly
(已关机（正常关闭）), one killed with SIGKILL (离线（连接中断）, the broker's last will), one whose
portal item is on a port nothing serves (a red card first, with the Chinese cause), one fine;
the summary line counts them; each card and list row reads the screen's 温度 · 磁盘剩余 · 版本
(s-fine's from a fake thermal zone at 61.5 °C); 截屏 is disabled on the offline one with the reason; an admin
names a screen and a group and the page and the scope picker use the names; the compact list
with search and filters; a row of cards fits at 1366×768.

    /usr/bin/python3 tests/console/test_browser_screens.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import glob
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, free_port, wait_for  # noqa: E402
from browser import (ADMIN, PASSWORDS, step, browser, wait, css, login, shot, shots_argument, click,  # noqa: E402
                     click_labelled)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

REFUSED = "还没有取到内容：连接被拒绝（服务器没有在这个端口上服务）"


def start_screen_with_portal(fleet, name, groups, portal_url):
    """A screen like Fleet.start_screen, whose playlist also holds a web item at portal_url."""
    fleet._ca("client", name)
    d = os.path.join(fleet.dir, name)
    os.makedirs(d)
    with open(os.path.join(d, "a.txt"), "w") as f:
        f.write("甲项目\n这是甲项目的正文。\n")
    fleet.write_json(os.path.join(d, "playlist.json"), {"version": 1, "items": [
        {"id": "local-a", "title": "甲项目", "source": "file:a.txt"},
        {"id": "f2-portal", "title": "二楼门户", "source": portal_url}]})
    fleet.write_json(os.path.join(d, "kiosk.json"), {
        "version": 1, "hall_name": "测试政务服务中心", "page_seconds": 3,
        "screen": {"width": 960, "height": 540}, "network": {"allowed_hosts": ["127.0.0.1"]},
        "paths": {"runtime": f"{d}/run", "state": f"{d}/state", "cache": f"{d}/cache"},
        "playlist": "playlist.json", "fleet": fleet.fleet_section(name, groups)})
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    return fleet.start(name, [fleet.kiosk, "run", "--config", os.path.join(d, "kiosk.json"), "--windowed=960x540"], env)


def fake_thermal_root(path):
    """A KIOSK_HEALTH_SYS_ROOT whose one thermal zone reads 61.5 °C."""
    zone = os.path.join(path, "sys", "class", "thermal", "thermal_zone0")
    os.makedirs(zone)
    with open(os.path.join(zone, "temp"), "w") as f:
        f.write("61500\n")
    with open(os.path.join(zone, "type"), "w") as f:
        f.write("x86_pkg_temp\n")
    return path


def fresh(driver, read):
    """read(driver), again if the page rebuilt the element meanwhile (it does every 3 s)."""
    for _ in range(50):
        try:
            return read(driver)
        except StaleElementReferenceException:
            time.sleep(0.05)
    return read(driver)


def cards(driver):
    return fresh(driver, lambda d: [a.get_attribute("data-screen") for a in d.find_elements(By.CSS_SELECTOR, "#screens article.screen")])


def card_text(driver, screen, role):
    return fresh(driver, lambda d: css(d, f"article[data-screen='{screen}'] [data-role={role}]").text)


def enabled(driver, selector):
    return fresh(driver, lambda d: css(d, selector).is_enabled())


def attribute(driver, selector, name):
    return fresh(driver, lambda d: css(d, selector).get_attribute(name))


def click_css(driver, selector):
    fresh(driver, lambda d: click(d, css(d, selector)))


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.start_console()
        os.environ["KIOSK_HEALTH_SYS_ROOT"] = fake_thermal_root(os.path.join(fleet.dir, "fake-root"))
        fleet.start_screen("s-fine", ["floor/1"])
        del os.environ["KIOSK_HEALTH_SYS_ROOT"]
        fleet.start_screen("s-stop", ["floor/1"])
        fleet.start_screen("s-kill", ["floor/2"])
        start_screen_with_portal(fleet, "s-err", ["floor/2"], f"http://127.0.0.1:{free_port()}/portal.html")
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])

        def screens():
            return {s["id"]: s for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]}
        wait_for(lambda: len(screens()) == 4 and all(s["state"] == "online" and s["showing"] for s in screens().values()),
                 40, "four screens online with a status")
        driver = browser()

        step("1. one screen stopped cleanly, one killed: 已关机（正常关闭） and 离线（连接中断）")
        assert fleet.stop("s-stop") == 0
        fleet.kill("s-kill")
        # The killed screen's will is sent by the broker when it sees the connection gone (at
        # once for a dead process; at most 1.5 keepalives of 5 s for a silent one).
        wait_for(lambda: screens()["s-stop"]["state"] == "disconnected" and screens()["s-kill"]["state"] == "offline",
                 20, "the console to see the stop and the kill")
        wait_for(lambda: any(p["text"] == REFUSED for p in screens()["s-err"]["problems"]), 20,
                 "the refused portal in s-err's status")

        step("2. the summary counts problems; problem cards first, in red, with the Chinese cause")
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        summary = wait(driver, lambda d: css(d, "[data-role=summary]").text)
        assert summary == "共 4 块屏幕：1 块离线，1 块出错，1 块已关机。", summary
        assert "bad" in attribute(driver, "[data-role=summary]", "class")
        assert cards(driver) == ["s-kill", "s-err", "s-stop", "s-fine"], cards(driver)
        for screen, state in (("s-kill", "离线（连接中断）"), ("s-err", "在线"), ("s-stop", "已关机（正常关闭）"), ("s-fine", "在线")):
            assert card_text(driver, screen, "state") == state, (screen, card_text(driver, screen, "state"))
        problem = fresh(driver, lambda d: [a.get_attribute("data-screen") for a in d.find_elements(By.CSS_SELECTOR, "article.screen.problem")])
        assert problem == ["s-kill", "s-err"], problem
        border = driver.execute_script(
            "return getComputedStyle(document.querySelector(\"article[data-screen='s-err']\")).borderTopColor")
        assert border == "rgb(178, 34, 34)", border
        reason = card_text(driver, "s-err", "problems")
        assert REFUSED in reason and "二楼门户" in reason, reason
        assert not any(w in reason for w in ("waiting", "refused", "fetch")), reason
        # Health: 温度 from s-fine's fake thermal zone, the free space of its state folder, its version.
        health = card_text(driver, "s-fine", "health")
        version = screens()["s-fine"]["version"]
        assert version and health.startswith("温度 62 °C · 磁盘剩余 ") and health.endswith(f"） · 版本 {version}"), health
        assert "%（" in health and ("GB" in health or "MB" in health), health
        # A screen on a host with no thermal zone: no 温度 (never 0 °C), the disk and version still.
        other = card_text(driver, "s-err", "health")
        assert "磁盘剩余 " in other and other.endswith(f"版本 {version}"), other
        if not glob.glob("/sys/class/thermal/thermal_zone*/temp"):
            assert other.startswith("磁盘剩余 ") and "温度" not in other, other

        step("3. an offline screen: 最后播放 and when; 截屏 / 立即刷新 disabled with the reason")
        assert card_text(driver, "s-kill", "showing").startswith("最后播放："), card_text(driver, "s-kill", "showing")
        assert "甲项目" in card_text(driver, "s-kill", "showing")
        assert card_text(driver, "s-stop", "showing").startswith("最后播放：")
        assert card_text(driver, "s-fine", "showing").startswith("正在播放：")
        for action in ("screenshot", "refresh"):
            assert not enabled(driver, f"article[data-screen='s-kill'] [data-action={action}]")
            assert not enabled(driver, f"article[data-screen='s-stop'] [data-action={action}]")
            assert enabled(driver, f"article[data-screen='s-fine'] [data-action={action}]")
        assert card_text(driver, "s-kill", "why-not") == "这块屏幕离线（连接中断），恢复连接后才能截屏和立即刷新"
        assert card_text(driver, "s-stop", "why-not") == "这块屏幕已关机，开机连上后才能截屏和立即刷新"
        # The console refuses it too, at once and in words (not a wait for a picture that never comes).
        status, body, _ = api.request("POST", "/api/screens/screenshot", {"id": "s-kill"}, {"X-CSRF-Token": api.csrf})
        assert status >= 400 and "离线" in json.loads(body)["error"], (status, body)
        # A screenshot of a screen that is on comes back; a notice after it marks it old.
        click_css(driver, "article[data-screen='s-fine'] [data-action=screenshot]")
        wait(driver, lambda d: d.execute_script(
            "const i = document.querySelector(\"article[data-screen='s-fine'] img.thumb\"); return i && i.complete && i.naturalWidth"), 20)
        status, body, _ = api.request("POST", "/api/notices", {"text": "今天下午三点起暂停办理业务。", "scopes": ["screen/s-fine"],
                                       "until": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + (8 + 4) * 3600))},
                                      {"X-CSRF-Token": api.csrf})
        assert status == 200, (status, body)
        wait(driver, lambda d: card_text(d, "s-fine", "screenshot").endswith("旧截屏（之后画面已变）"), 20)
        assert "old" in attribute(driver, "article[data-screen='s-fine'] img.thumb", "class")
        shot(driver, "screens-problems")
        # At 1366×768 the summary and a whole row of cards are in the first screenful.
        driver.set_window_size(1366, 768)
        fits = driver.execute_script("""
            const a = document.querySelector('#screens article.screen');
            return [a.getBoundingClientRect().bottom, window.innerHeight];""")
        assert fits[0] <= fits[1], f"the first card does not fit at 1366x768: {fits}"
        driver.set_window_size(1400, 1000)

        step("4. an admin names a screen (改名) and a group; the page and the scope picker use the names")
        click_css(driver, "article[data-screen='s-err'] [data-action=rename]")
        name_input = wait(driver, lambda d: css(d, "article[data-screen='s-err'] input[name=name]"))
        name_input.send_keys("2楼东侧屏")
        click(driver, css(driver, "article[data-screen='s-err'] form.rename button[type=submit]"))
        wait(driver, lambda d: css(d, "article[data-screen='s-err'] .name").text == "2楼东侧屏")
        assert fresh(driver, lambda d: css(d, "article[data-screen='s-err'] .screen-id").text) == "s-err"  # the id, small, for IT
        click(driver, css(driver, "details.groups-editor summary"))
        group = css(driver, "form[data-group='floor/2'] input")
        group.send_keys("二楼大厅")
        click(driver, css(driver, "form[data-group='floor/2'] button"))
        wait(driver, lambda d: "二楼大厅" in css(d, "article[data-screen='s-err'] .where").text)
        labels = {s["scope"]: s["label"] for s in json.loads(api.request("GET", "/api/scopes")[1])}
        assert labels["group/floor/2"] == "分组：二楼大厅", labels
        assert labels["screen/s-err"] == "屏幕：2楼东侧屏", labels
        assert labels["group/floor/1"] == "分组：1 楼", labels
        audit = api.request("GET", "/api/audit")[1].decode()
        assert "2楼东侧屏" in audit and "二楼大厅" in audit, audit[:400]
        driver.get(fleet.url + "/notices")
        wait(driver, lambda d: "分组：二楼大厅" in css(d, "body").text)
        shot(driver, "notice-scopes-named")

        step("5. the compact list: search by name or id, filter by state and floor")
        driver.get(fleet.url + "/screens")
        click_labelled(driver, ".view-toggle button", "列表")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")) == 4)
        rows = fresh(driver, lambda d: [r.get_attribute("data-screen") for r in d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")])
        assert rows == ["s-kill", "s-err", "s-stop", "s-fine"], rows
        row_health = fresh(driver, lambda d: css(d, "table.screen-list tr[data-screen='s-fine'] [data-role=health]").text)
        assert row_health.startswith("温度 62 °C · 磁盘剩余 "), row_health
        shot(driver, "screens-list")
        search = css(driver, "#screens input[type=search]")
        search.send_keys("东侧")
        wait(driver, lambda d: [r.get_attribute("data-screen") for r in d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")] == ["s-err"])
        empty = Keys.CONTROL + "a" + Keys.NULL + Keys.BACKSPACE  # typed, so the page hears it (clear() is silent)
        search.send_keys(empty + "s-fi")  # by id
        wait(driver, lambda d: [r.get_attribute("data-screen") for r in d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")] == ["s-fine"])
        search.send_keys(empty)
        Select(css(driver, "#screens select[name=state]")).select_by_visible_text("离线（连接中断）")
        wait(driver, lambda d: [r.get_attribute("data-screen") for r in d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")] == ["s-kill"])
        Select(css(driver, "#screens select[name=state]")).select_by_visible_text("全部状态")
        Select(css(driver, "#screens select[name=floor]")).select_by_visible_text("二楼大厅")
        wait(driver, lambda d: [r.get_attribute("data-screen") for r in d.find_elements(By.CSS_SELECTOR, "table.screen-list tbody tr")] == ["s-kill", "s-err"])
        # The view is remembered; back to cards for the next clerk.
        click_labelled(driver, ".view-toggle button", "卡片")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#screens article.screen"))

        step("6. the stopped screen starts again: 在线, its buttons back")
        fleet.procs = [(n, p) for n, p in fleet.procs if n != "s-stop"]
        d = os.path.join(fleet.dir, "s-stop")
        fleet.start("s-stop", [fleet.kiosk, "run", "--config", os.path.join(d, "kiosk.json"), "--windowed=960x540"],
                    dict(os.environ, SDL_VIDEODRIVER="dummy"))
        Select(css(driver, "#screens select[name=floor]")).select_by_visible_text("全部楼层")
        wait(driver, lambda d: card_text(d, "s-stop", "state") == "在线", 20)
        wait(driver, lambda d: css(d, "article[data-screen='s-stop'] [data-action=screenshot]").is_enabled())
        wait(driver, lambda d: css(d, "[data-role=summary]").text == "共 4 块屏幕：1 块离线，1 块出错。")
        shot(driver, "screens-back")
        print(f"== done in {time.monotonic() - started:.0f} s")
    except BaseException:
        if driver:
            try:
                driver.save_screenshot(os.path.join(fleet.dir, "failure.png"))
            except Exception:
                pass
        print("--- console log\n" + fleet.log("console"))
        print("--- s-err log\n" + fleet.log("s-err"))
        fleet.keep = True
        print("files kept in", fleet.dir)
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    main()
