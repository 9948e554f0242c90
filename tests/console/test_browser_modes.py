#!/usr/bin/python3
"""Notice modes as a clerk meets them, in a real browser (Debian's chromium, headless), with a
real Mosquitto, kiosk-console and a headless kiosk of group floor/1 playing four items:

- the notice form offers 紧急 / 插播 / 轮播 / 滚动字幕 in the clerk's words, 紧急 chosen;
- the preview is in the urgent style for 紧急, the plain one for 插播;
- a 紧急 notice posted to floor/1: the screen shows only it in every sample over more than a
  whole rotation of its playlist, and the list says 紧急（一直显示，直到撤下或到期）;
- 撤下: the playlist is back, its items turning again;
- a 滚动字幕 notice (issue 29): listed in its words, its signed body says mode ticker, and the
  screen never shows it as a page while the playlist turns over a whole rotation.

    /usr/bin/python3 tests/console/test_browser_modes.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import base64
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, PASSWORDS, step, browser, wait, css, login, toast_text, current_item,  # noqa: E402
                     shot, shots_argument, click)
from selenium.webdriver.common.by import By  # noqa: E402

MODES = ["紧急（一直显示，直到撤下或到期）", "插播（马上显示一次，之后与节目单轮流）", "轮播（排在节目单之后）",
         "滚动字幕（在屏幕下方滚动，节目照常播放）"]
ITEMS = ["local-a", "local-b", "local-c", "local-d"]
PAGE_SECONDS = 1


def urgent_band_fraction(driver, img):
    """The share of the rows from 10 % to 14 % of an image element's height that is the
    accent colour #B22222: the urgent style's 紧急通知 band reaches down there; the plain
    style's header band (also the accent colour) ends above it, over paper."""
    return driver.execute_script("""
        const img = arguments[0];
        if (!img || !img.complete || !img.naturalWidth) return 0;
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const top = Math.floor(c.height * 0.10), rows = Math.max(1, Math.floor(c.height * 0.04));
        const data = g.getImageData(0, top, c.width, rows).data;
        let hits = 0;
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - 0xB2) < 24 && Math.abs(data[i + 1] - 0x22) < 24 && Math.abs(data[i + 2] - 0x22) < 24) hits++;
        return hits / (data.length / 4);""", img)


def preview_band(driver):
    """Clicks 预览 and returns the first preview's urgent_band_fraction."""
    old = driver.find_elements(By.CSS_SELECTOR, "#notice-preview img")
    click(driver, css(driver, "#notice-preview-button"))
    img = wait(driver, lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, "#notice-preview img") if i not in old], 40)[0]
    wait(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img), 20)
    return urgent_band_fraction(driver, img)


def samples(fleet, screen, seconds):
    """What the screen's status says it shows, every 0.1 s for `seconds`."""
    seen = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            st = fleet.screen_status(screen)
            seen.append((st["current"].get("item", ""), st.get("pages_shown", 0)))
        except (OSError, ValueError, KeyError):
            pass  # the file being replaced
        time.sleep(0.1)
    return seen


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.start_console()
        fleet.start_screen("hall-1f", ["floor/1"], page_seconds=PAGE_SECONDS)
        # Four items in the screen's own playlist (hot-reloaded): a rotation of four pages.
        d = os.path.join(fleet.dir, "hall-1f")
        for i, item in enumerate(ITEMS):
            with open(os.path.join(d, f"{item}.txt"), "w") as f:
                f.write(f"第{i + 1}项\n这是第{i + 1}项的正文。\n")
        fleet.write_json(os.path.join(d, "playlist.json.new"), {"version": 1, "items": [
            {"id": item, "source": f"file:{item}.txt"} for item in ITEMS]})
        os.replace(os.path.join(d, "playlist.json.new"), os.path.join(d, "playlist.json"))
        api = Http(fleet.url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        wait_for(lambda: [s["state"] for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]] == ["online"],
                 30, "the screen online")
        wait_for(lambda: {current_item(fleet, "hall-1f")} <= set(ITEMS) and fleet.screen_status("hall-1f")["playlist"]["items"] == 4,
                 20, "the four-item playlist playing")
        driver = browser()

        step("1. the form offers the four modes in the clerk's words, 紧急 chosen")
        login(driver, fleet.url, ADMIN, PASSWORDS[ADMIN])
        driver.get(fleet.url + "/notices")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=scope][value='group/floor/1']"))
        labels = [x.text for x in driver.find_elements(By.CSS_SELECTOR, "#notice-mode label")]
        assert labels == MODES, labels
        assert css(driver, "#notice-mode legend").text == "怎样显示"
        checked = [x.get_attribute("value") for x in driver.find_elements(By.CSS_SELECTOR, "#notice-mode input") if x.is_selected()]
        assert checked == ["hold"], checked

        step("2. the preview: the urgent style for 紧急, the plain one for 插播")
        css(driver, "#notice-text").send_keys("因系统升级，今天下午暂停办理业务。")
        click(driver, css(driver, "input[name=scope][value='group/floor/1']"))
        band = preview_band(driver)
        assert band > 0.6, f"the 紧急 preview lacks the urgent band ({band:.2f} accent)"
        shot(driver, "modes-form-hold")
        click(driver, css(driver, "#notice-mode-interrupt"))
        band = preview_band(driver)
        assert band < 0.05, f"the 插播 preview has the urgent band ({band:.2f} accent)"
        click(driver, css(driver, "#notice-mode-hold"))

        step("3. 紧急 to floor 1: the screen shows only it, over more than a whole rotation")
        click(driver, css(driver, "#notice-publish"))
        wait(driver, lambda d: "通知已发布" in toast_text(d))
        wait_for(lambda: current_item(fleet, "hall-1f").startswith("notice/"), 5, "hall-1f to show the notice")
        notice = current_item(fleet, "hall-1f")
        rotation = len(ITEMS) * PAGE_SECONDS
        seen = samples(fleet, "hall-1f", rotation + 2.5)
        shown = [item for item, _ in seen]
        print(f"   {shown.count(notice)} of {len(shown)} samples show the notice; pages turned: {seen[-1][1] - seen[0][1]}")
        assert len(shown) >= 20 and shown.count(notice) == len(shown), set(shown)
        # It went on turning pages (fewer under ASan), showing the notice again each time.
        assert seen[-1][1] - seen[0][1] >= len(ITEMS) - 1, "the screen stopped turning pages"
        row = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-list tbody tr"))[0]
        assert css(driver, "#notice-list tbody tr [data-role=mode]").text == MODES[0], row.text
        shot(driver, "modes-list-hold")

        step("4. 撤下: the playlist is back, its items turning")
        click(driver, css(driver, "#notice-list [data-action=clear]"))
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog.ask[open] [data-dialog=ok]"))[0])  # 撤下 asks first
        wait(driver, lambda d: "通知已撤下" in toast_text(d))
        wait_for(lambda: current_item(fleet, "hall-1f") in ITEMS, 5, "the playlist back on hall-1f")
        back = [item for item, _ in samples(fleet, "hall-1f", 2.5)]
        assert notice not in back and len(set(back) & set(ITEMS)) >= 2, back

        step("5. 滚动字幕 to floor 1: listed in its words, signed as ticker, never a page")
        css(driver, "#notice-text").send_keys("请取号后在等候区就座，留意叫号屏。")
        if not css(driver, "input[name=scope][value='group/floor/1']").is_selected():  # the form keeps the screens chosen
            click(driver, css(driver, "input[name=scope][value='group/floor/1']"))
        click(driver, css(driver, "#notice-mode-ticker"))
        click(driver, css(driver, "#notice-publish"))
        wait(driver, lambda d: "通知已发布" in toast_text(d))
        wait(driver, lambda d: css(d, "#notice-list tbody tr [data-role=mode]").text == MODES[3])
        nid = json.loads(api.request("GET", "/api/notices")[1])[0]["id"]
        payload = [p for t, p in fleet.retained_desired().items() if t.endswith(f"/group/floor/1/notice/{nid}")]
        assert payload, nid
        body = json.loads(base64.b64decode(json.loads(payload[0])["payload"]))["body"]
        assert body["mode"] == "ticker" and body["interrupt"] is False, body
        # The screen has it (its log says it accepted it): from now on a page of it would
        # show in the samples.
        wait_for(lambda: f"notice {nid} for group/floor/1 (ticker) accepted" in fleet.log("hall-1f"), 10,
                 "hall-1f to accept the 滚动字幕 notice")
        shown = [item for item, _ in samples(fleet, "hall-1f", len(ITEMS) * PAGE_SECONDS + 2.5)]
        assert not [x for x in shown if x.startswith("notice/")] and len(set(shown) & set(ITEMS)) >= 3, shown
        shot(driver, "modes-list-ticker")
        print(f"   done in {time.monotonic() - started:.1f} s")
        return 0
    except Exception:
        for name in ("console", "hall-1f"):
            print(f"--- {name} log ---\n{fleet.log(name)}", file=sys.stderr)
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
