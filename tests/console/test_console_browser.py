#!/usr/bin/python3
"""The operators' console, as a clerk uses it, in a real browser (Debian's chromium through
chromedriver, headless): a real Mosquitto broker (TLS, ACL), kiosk-console, and two
headless kiosks in different groups.

    /usr/bin/python3 tests/console/test_console_browser.py BUILD_DIR SOURCE_DIR [--keep]

Each step asserts what a clerk would see and what the screens do."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (report_failure, choose_text_mode, ADMIN, EDITOR, APPROVER, OTHER, PASSWORDS, XSS_TITLE, step, browser, wait, css,  # noqa: E402
                     login, logout, toast_text, current_item, applied_gen, shot, shots_argument, click,
                     click_labelled, serve)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402



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
        fleet.start_screen("hall-1f", ["floor/1"])
        fleet.start_screen("hall-2f", ["floor/2"], size=(540, 960))  # a portrait panel
        url = fleet.url
        driver = browser()
        api = Http(url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        wait_for(lambda: all(s["state"] == "online" for s in json.loads(api.request("GET", "/api/screens")[1])["screens"])
                 and len(json.loads(api.request("GET", "/api/screens")[1])["screens"]) == 2, 30, "both screens online")

        step("1. a page without a session goes to the login; a wrong password is refused; the sixth try is throttled")
        driver.get(url + "/notices")
        wait(driver, lambda d: "/login?next=/notices" in d.current_url)
        for attempt in range(1, 7):
            login(driver, url, OTHER, "wrong-password", expect_ok=False)
            message = wait(driver, lambda d: css(d, "#login-error").text)
            if attempt <= 5:
                assert message == "用户名或密码不对", (attempt, message)
            else:
                assert "次数太多" in message and "15 分钟" in message, message
        # Throttled means throttled: even the right password waits.
        login(driver, url, OTHER, PASSWORDS[OTHER], expect_ok=False)
        assert "次数太多" in wait(driver, lambda d: css(d, "#login-error").text)
        assert "/login" in driver.current_url
        shot(driver, "login-throttled")

        step("2. an urgent notice to floor 1: on that screen within 5 s, in the urgent style; not on floor 2; cleared")
        login(driver, url, ADMIN, PASSWORDS[ADMIN])
        driver.get(url + "/notices")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=scope][value='group/floor/1']"))
        css(driver, "#notice-text").send_keys("因系统升级，今天下午暂停办理不动产登记业务。")
        css(driver, "#notice-title").send_keys(XSS_TITLE)
        assert css(driver, "#notice-mode-hold").is_selected()  # 紧急, in the urgent style
        # 全部屏幕: previews at both screens' sizes, the landscape one first.
        click(driver, css(driver, "input[name=scope][value='all']"))
        click(driver, css(driver, "#notice-preview-button"))
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#notice-preview figcaption")) == 2, 40)
        assert [f.text for f in driver.find_elements(By.CSS_SELECTOR, "#notice-preview figcaption")] == ["960×540", "540×960"]
        # Floor 1 only: its screen's size.
        click(driver, css(driver, "input[name=scope][value='all']"))
        click(driver, css(driver, "input[name=scope][value='group/floor/1']"))
        click(driver, css(driver, "#notice-preview-button"))
        wait(driver, lambda d: [f.text for f in d.find_elements(By.CSS_SELECTOR, "#notice-preview figcaption")] == ["960×540"], 40)
        preview = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-preview img"), 40)
        wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", preview[0]))
        # The preview is the urgent style: the top band in the accent colour.
        assert accent_band_fraction(driver, preview[0]) > 0.6, "the preview lacks the urgent band"
        shot(driver, "notice-preview")
        click(driver, css(driver, "#notice-publish"))
        published_at = time.monotonic()
        wait(driver, lambda d: "通知已发布" in toast_text(d))
        wait_for(lambda: current_item(fleet, "hall-1f").startswith("notice/"), 5, "hall-1f to play the notice")
        print(f"   on screen after {time.monotonic() - published_at:.2f} s")
        # Shown as the characters it is (read inside the wait: the list is redrawn as receipts come in).
        wait(driver, lambda d: XSS_TITLE in css(d, "#notice-list tbody tr").text)
        assert driver.execute_script("return window.__xss") is None
        assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img[src='x']")
        # The 屏幕 page: the screen says so, and its screenshot shows the urgent band.
        driver.get(url + "/screens")
        card = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "article[data-screen='hall-1f']"))[0]
        wait(driver, lambda d: "插播" in css(d, "article[data-screen='hall-1f'] [data-role=showing]").text)
        # (The page rebuilds every 3 s: what is clicked or read is found again each time.)
        wait(driver, lambda d: click(d, css(d, "article[data-screen='hall-1f'] [data-action=screenshot]")) or True)
        thumb = "article[data-screen='hall-1f'] img.thumb"
        wait(driver, lambda d: d.execute_script(
            f"const i = document.querySelector(\"{thumb}\"); return i && i.complete && i.naturalWidth"), 20)
        band = wait(driver, lambda d: accent_band_fraction(d, thumb) or None)
        assert band > 0.6, f"the screenshot's top band is {band:.2f} accent"
        shot(driver, "screens")
        # Floor 2 never got it.
        assert not current_item(fleet, "hall-2f").startswith("notice/")
        assert fleet.screen_status("hall-2f")["fleet"]["notices"] == []
        assert "插播" not in wait(driver, lambda d: css(d, "article[data-screen='hall-2f'] [data-role=showing]").text)
        # Plays of the notice accrue while it is up (the page flips every 3 s).
        time.sleep(4)
        driver.get(url + "/notices")
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-list [data-action=clear]"))[0])
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.ask[open] [data-dialog=ok]"))[0])  # 撤下 asks first
        wait(driver, lambda d: "通知已撤下" in toast_text(d))
        wait_for(lambda: not current_item(fleet, "hall-1f").startswith("notice/")
                 and fleet.screen_status("hall-1f")["fleet"]["notices"] == [], 5, "the notice to come off hall-1f")

        step("3. a playlist with a mistake: the message beside the field, nothing published; fixed: the new order plays")
        gen_before = applied_gen(fleet, "hall-1f", "group/floor/1")
        driver.get(url + "/playlist")
        scope = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#scope option[value='group/floor/1']") and css(d, "#scope"))
        Select(scope).select_by_value("group/floor/1")
        # The floor's playlist drawn, not 全部屏幕's (loaded first, and as unpublished).
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-form[data-scope='group/floor/1']"))
        wait(driver, lambda d: "还没有发布过" in css(d, "#playlist-info").text)
        add_text_item(driver, 0, "乙项目", "乙项目\n这是乙项目的正文，由控制台发布。")
        add_text_item(driver, 1, "丙项目", "丙项目\n这是丙项目的正文，由控制台发布。")
        # 丁 from an uploaded file, in GBK as an office PC saves it.
        upload = os.path.join(fleet.dir, "丁项目.txt")
        with open(upload, "wb") as f:
            f.write("丁项目\n这是丁项目的正文，从文件上传。\n".encode("gbk"))
        add_text_item(driver, 2, "", "", upload=upload)
        assert css(driver, "#title-2").get_attribute("value") == "丁项目"
        assert "从文件上传" in css(driver, "#text-2").get_attribute("value")
        # An article from the portal: 读取 shows what the kiosk's extraction finds, 预览 the
        # pages at the size of each screen the scope reaches (floor 1: 960x540 only); then
        # it goes again.
        for b in driver.find_elements(By.CSS_SELECTOR, ".actions.sticky button"):
            if b.text == "添加一项":
                click(driver, b)
                break
        url_input = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#source-3"))[0]
        url_input.send_keys(portal_site(source))
        click(driver, buttons(driver, 3, "读取"))
        found = wait(driver, lambda d: "找到" in css(d, "fieldset[data-index='3'] .extract").text
                     and css(d, "fieldset[data-index='3'] .extract").text, 20)
        assert "政府信息公开申请办理指南" in found, found
        assert css(driver, "#title-3").get_attribute("value") == "政府信息公开申请办理指南"
        click(driver, buttons(driver, 3, "预览"))
        pages = wait(driver, lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, "fieldset[data-index='3'] .preview img")
                                        if d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)], 60)
        sizes = [f.text for f in driver.find_elements(By.CSS_SELECTOR, "fieldset[data-index='3'] .preview figcaption")]
        assert len(sizes) == 1 and sizes[0].startswith("960×540"), sizes
        widths = {driver.execute_script("return arguments[0].naturalWidth", i) for i in pages}
        assert widths == {960}, widths
        shot(driver, "playlist-preview")
        click(driver, buttons(driver, 3, "删除"))
        click(driver, buttons(driver, 0, "添加时段"))
        hours = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-item='0'][data-input='schedule.hours']"))[0]
        hours.send_keys("8:30-25:00")  # (8:30-12:00 is read as 08:30-12:00: test_browser_words.py)
        click(driver, css(driver, "#publish"))
        message = wait(driver, lambda d: css(d, ".field-error[data-item='0'][data-field='schedule.hours']").text)
        assert "时段「8:30-25:00」里没有「25:00」这个时间" in message, message
        assert hours.get_attribute("aria-invalid") == "true"
        published = json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])
        assert not published["published"], "a refused playlist was published"
        shot(driver, "playlist-error")
        # Fixed: the range removed; and 丁 moved to the top.
        click(driver, driver.find_element(By.CSS_SELECTOR, "button[aria-label='删除时段 1']"))
        click(driver, buttons(driver, 2, "上移"))
        click(driver, buttons(driver, 1, "上移"))
        assert "丁项目" in css(driver, "fieldset[data-index='0'] legend").text
        click(driver, css(driver, "#publish"))
        # The scope's first playlist replaces what its screens play: asked first.
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#confirm-publish"))[0])
        wait(driver, lambda d: "已发布" in toast_text(d))
        wait(driver, lambda d: not css(d, ".field-error[data-item='0'][data-field='schedule.hours']").text)
        published = json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])
        ids = [item["id"] for item in published["playlist"]["items"]]
        assert [item["title"] for item in published["playlist"]["items"]] == ["丁项目", "乙项目", "丙项目"]
        seen = []

        def order_seen():
            item = current_item(fleet, "hall-1f")
            if item in ids and (not seen or seen[-1] != item):
                seen.append(item)
            return len(seen) >= 4
        wait_for(order_seen, 40, "hall-1f to play the new playlist")
        # Each item is followed by the next in the published order (丁, 乙, 丙, 丁, …).
        for a, b in zip(seen, seen[1:]):
            assert b == ids[(ids.index(a) + 1) % len(ids)], (seen, ids)
        assert applied_gen(fleet, "hall-1f", "group/floor/1") > gen_before
        assert not any(i in ids for i in [current_item(fleet, "hall-2f")])  # floor 2 plays its own

        step("4. with approval required, an editor's change waits until an approver approves it")
        driver.get(url + "/users")
        box = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#require-approval"))[0]
        shot(driver, "users")
        if not box.is_selected():
            click(driver, box)
        wait(driver, lambda d: "已打开" in toast_text(d))
        logout(driver)
        login(driver, url, EDITOR, PASSWORDS[EDITOR])
        gen_published = applied_gen(fleet, "hall-1f", "group/floor/1")
        driver.get(url + "/playlist")
        scope = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#scope option[value='group/floor/1']") and css(d, "#scope"))
        Select(scope).select_by_value("group/floor/1")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "fieldset.item")) == 3)
        wait(driver, lambda d: click(d, buttons(d, 1, "上移")) or True)  # 乙 first (found again if the page rebuilt it)
        assert css(driver, "#publish").text == "提交审核"
        click(driver, css(driver, "#publish"))
        wait(driver, lambda d: "已提交审核" in toast_text(d))
        # The moment has passed when something sent after the submission, by the same console
        # to the same group, has been applied on hall-1f: a refresh. Had the change been
        # published, hall-1f would have taken it first.
        refreshed = applied_gen(fleet, "hall-1f", "group/floor/1", "refresh")
        status, body, _ = api.request("POST", "/api/refresh", {"scope": "group/floor/1"}, {"X-CSRF-Token": api.csrf})
        assert status == 200, (status, body)
        wait_for(lambda: applied_gen(fleet, "hall-1f", "group/floor/1", "refresh") > refreshed, 10,
                 "hall-1f to apply a refresh sent after the submission")
        assert applied_gen(fleet, "hall-1f", "group/floor/1") == gen_published, "published before approval"
        published = json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])
        assert [item["title"] for item in published["playlist"]["items"]] == ["丁项目", "乙项目", "丙项目"]
        driver.get(url + "/approvals")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-change]"))
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-action=approve]"), "an editor may not approve"
        logout(driver)
        login(driver, url, APPROVER, PASSWORDS[APPROVER])
        driver.get(url + "/approvals")
        change = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-change]"))[0]
        shot(driver, "approvals")
        before, after = change.find_elements(By.CSS_SELECTOR, ".before-after ol")  # the before/after view
        assert before.text.split("\n") == ["丁项目", "乙项目", "丙项目"], before.text
        assert after.text.split("\n") == ["乙项目", "丁项目", "丙项目"], after.text
        click(driver, change.find_element(By.CSS_SELECTOR, "[data-action=approve]"))
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.ask[open] [data-dialog=ok]"))[0])  # asked first
        wait(driver, lambda d: "已批准并发布" in toast_text(d))
        wait_for(lambda: applied_gen(fleet, "hall-1f", "group/floor/1") > gen_published, 5, "the approved playlist on hall-1f")

        step("5. the 操作日志 lists it all with the right people; the 播放记录 lists the notice's plays")
        driver.get(url + "/audit")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr"))
        rows = [(r.get_attribute("data-action"), r.find_element(By.CSS_SELECTOR, "td.user").text)
                for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")]
        for expected in [("login_failed", OTHER), ("login_throttled", OTHER), ("publish_notice", ADMIN),
                         ("screenshot", ADMIN), ("clear_notice", ADMIN), ("publish_playlist", ADMIN),
                         ("settings", ADMIN), ("submit_playlist", EDITOR), ("approve", APPROVER),
                         ("publish_playlist", APPROVER)]:
            assert expected in rows, (expected, rows)
        assert sum(1 for a, _ in rows if a == "login_failed") == 5
        shot(driver, "audit")
        # Filtered by person.
        css(driver, "input[name=user]").send_keys(EDITOR)
        click(driver, css(driver, ".filters button[type=submit]"))
        wait(driver, lambda d: all(r.find_element(By.CSS_SELECTOR, "td.user").text == EDITOR
                                   for r in d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")))
        status, csv, headers = api.request("GET", "/api/audit.csv")
        assert status == 200 and "text/csv" in headers["Content-Type"] and "提交节目单审核" in csv.decode()

        def notice_plays():
            driver.get(url + "/plays")
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#plays table, #plays p"))
            return [r for r in driver.find_elements(By.CSS_SELECTOR, "#plays-table tbody tr")
                    if r.get_attribute("data-item").startswith("notice/")]
        rows = wait_for(notice_plays, 30, "the notice's plays in 播放记录")
        assert rows[0].find_elements(By.CSS_SELECTOR, "td")[1].text == "hall-1f"
        assert int(rows[0].find_elements(By.CSS_SELECTOR, "td")[4].text.split()[0]) >= 1  # pages
        assert "通知" in rows[0].find_elements(By.CSS_SELECTOR, "td")[2].text
        shot(driver, "plays")

        step("6. a POST without the CSRF token, or from another origin, is refused")
        refused = driver.execute_script(
            "return fetch('/api/settings', {method: 'POST', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({require_approval: false})}).then(r => r.status)")
        assert refused == 403, refused
        status, body, _ = api.request("POST", "/api/settings", {"require_approval": False},
                                      {"X-CSRF-Token": api.csrf, "Origin": "http://evil.example"})
        assert status == 403, (status, body)
        # A page on another origin that posts a form to the console, with the browser's session.
        evil = evil_site(url)
        driver.get(evil)
        # The console has answered the form's POST once the browser shows that answer (the
        # page's title alone says only that the form was sent).
        wait(driver, lambda d: d.current_url == url + "/api/settings", 10)
        answer = css(driver, "body").text
        assert '"error"' in answer and "拒绝" in answer, answer  # refused: another origin
        status, body, _ = api.request("GET", "/api/users")
        assert json.loads(body)["require_approval"] is True, "a cross-origin POST changed a setting"
        # Every page carries the CSP.
        status, _, headers = api.request("GET", "/login")
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        driver.quit()
        driver = None
        step("the console stops cleanly on SIGTERM")
        status = fleet.stop("console")
        assert status == 0, f"kiosk-console exited with {status}:\n" + fleet.log("console")
        print(f"== all console browser tests passed in {time.monotonic() - started:.1f} s", flush=True)
        return 0
    except Exception:
        report_failure(driver, fleet, ("console", "hall-1f"))
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


def buttons(driver, index, label):
    for b in driver.find_elements(By.CSS_SELECTOR, f"fieldset[data-index='{index}'] button"):
        if b.text == label:
            return b
    raise AssertionError(f"no button {label} in item {index}")


def add_text_item(driver, index, title, text, upload=None):
    click_labelled(driver, ".actions.sticky button", "添加一项")
    choose_text_mode(driver, index)  # 输入文字或上传文件
    item = css(driver, f"fieldset[data-index='{index}']")
    if upload:
        item.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(upload)
        wait(driver, lambda d: css(d, f"#text-{index}").get_attribute("value"))
        item = css(driver, f"fieldset[data-index='{index}']")
    else:
        item.find_element(By.CSS_SELECTOR, f"#title-{index}").send_keys(title)
        item.find_element(By.CSS_SELECTOR, f"#text-{index}").send_keys(text)
    seconds = item.find_element(By.CSS_SELECTOR, "input[type=checkbox]")  # 自动 off: 3 s a page
    click(driver, seconds)
    number = css(driver, f"fieldset[data-index='{index}'] input[type=number]")
    number.clear()
    number.send_keys("3")


def accent_band_fraction(driver, img):
    """The share of the top twelfth of an image (an element, or a CSS selector found in the
    page at the moment of reading), drawn on a canvas in the page, that is the accent colour
    #B22222."""
    return driver.execute_script("""
        const img = typeof arguments[0] === 'string' ? document.querySelector(arguments[0]) : arguments[0];
        if (!img || !img.complete || !img.naturalWidth) return 0;
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const rows = Math.max(1, Math.floor(c.height / 12));
        const data = g.getImageData(0, 0, c.width, rows).data;
        let hits = 0;
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - 0xB2) < 24 && Math.abs(data[i + 1] - 0x22) < 24 && Math.abs(data[i + 2] - 0x22) < 24) hits++;
        return hits / (data.length / 4);""", img)


def portal_site(source):
    """A portal on loopback: the bundled GB2312 article page, served as the portal serves it."""
    with open(os.path.join(source, "assets/samples/xxgk-shenqing-zhinan.html"), "rb") as f:
        return serve(f.read()) + "/zw/xxgk/zhinan.html"


def evil_site(console_url):
    """Another origin (a second port) whose page posts a form to the console at once."""
    return serve(f"""<!doctype html><title>evil</title>
<form id=f method=POST action="{console_url}/api/settings" enctype="text/plain">
<input name='{{"require_approval": false, "x": "' value='"}}'></form>
<script>document.getElementById('f').submit(); document.title = 'submitted';</script>""".encode()) + "/"


if __name__ == "__main__":
    sys.exit(main())
