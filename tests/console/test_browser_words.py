#!/usr/bin/python3
"""The playlist form's words, as a clerk meets them in a real browser (Debian's chromium,
headless; a real broker, kiosk-console and a screen): the mistakes a clerk makes typed into
the form, and the message beside each field says what to do, in the form's own words, with
no JSON in it; 8:30 and a Chinese input method's 13：00－17：30 are taken and published as
08:30 and 13:00; an uploaded file's title goes to 标题 and is not repeated in the text; the
preview's caption counts the pages as the pages number themselves (第 x/N 页).

    /usr/bin/python3 tests/console/test_browser_words.py BUILD_DIR SOURCE_DIR [--shots DIR] [--keep]"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (choose_text_mode, ADMIN, PASSWORDS, step, browser, wait, css, login, toast_text, current_item,  # noqa: E402
                     shot, shots_argument, click, click_labelled)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

# Long enough for more pages than the preview draws (six), at 960×540.
LONG_TEXT = "\n".join(f"第{n}条　办理业务请携带本人有效身份证件，按取号顺序到对应窗口办理；"
                      "材料不全的，窗口工作人员一次性告知需要补正的全部内容。" for n in range(1, 41))


def field_error(driver, item, field):
    return css(driver, f".field-error[data-item='{item}'][data-field='{field}']").text


def item_input(driver, item, field, index=None):
    extra = f"[data-index='{index}']" if index is not None else ""
    return css(driver, f"[data-item='{item}'][data-input='{field}']{extra}")


def set_date(driver, element, value):
    """A date as the browser's date picker sets it (its typed form depends on the locale)."""
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def add_text_item(driver, index):
    click_labelled(driver, ".actions.sticky button", "添加一项")
    choose_text_mode(driver, index)
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#text-{index}"))[0]


def layout_pages(fleet, item, size):
    """The item laid out by `kiosk layout` with the office's style at `size`: its pages'
    own numbers (每页的 第 x/N 页)."""
    d = os.path.join(fleet.dir, "layout-check")
    os.makedirs(d, exist_ok=True)
    fleet.write_json(os.path.join(d, "playlist.json"), {"version": 1, "items": [dict(item, id="check")]})
    fleet.write_json(os.path.join(d, "kiosk.json"), {
        "version": 1, "hall_name": "测试政务服务中心", "time_zone": "Asia/Shanghai", "playlist": "playlist.json",
        "paths": {"runtime": f"{d}/run", "state": f"{d}/state", "cache": f"{d}/cache"}})
    out = subprocess.run([fleet.kiosk, "layout", "--config", os.path.join(d, "kiosk.json"), "--size", size],
                         check=True, capture_output=True, text=True, env=dict(os.environ, SDL_VIDEODRIVER="dummy")).stdout
    return json.loads(out)["items"][0]["pages"]


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.start_console()
        fleet.start_screen("hall-1f", ["floor/1"])
        url = fleet.url
        api = Http(url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        driver = browser()
        login(driver, url, ADMIN, PASSWORDS[ADMIN])

        step("1. the mistakes of issue 26 typed into the form: each message beside its field says what to do")
        driver.get(url + "/playlist")
        scope = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#scope option[value='group/floor/1']") and css(d, "#scope"))
        Select(scope).select_by_value("group/floor/1")
        # The floor's playlist drawn, not 全部屏幕's (loaded first, and as unpublished).
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#playlist-form[data-scope='group/floor/1']"))
        wait(driver, lambda d: "还没有发布过" in css(d, "#playlist-info").text)
        text = add_text_item(driver, 0)
        css(driver, "#title-0").send_keys("办事须知")
        text.send_keys("   ")  # only spaces
        click(driver, css(driver, "fieldset[data-index='0'] input[type=checkbox]"))  # 自动 off
        seconds = item_input(driver, 0, "page_seconds")
        seconds.clear()
        seconds.send_keys("0")
        for box in driver.find_elements(By.CSS_SELECTOR, "[data-item='0'][data-input='schedule.weekdays']"):
            click(driver, box)  # every day unticked
        set_date(driver, item_input(driver, 0, "schedule.from"), "2026-12-05")
        set_date(driver, item_input(driver, 0, "schedule.until"), "2026-12-01")
        for k, typed in enumerate(("8:30-12:00", "13：00－17：30", "8点半-12点")):
            click_labelled(driver, "fieldset[data-index='0'] .hours button", "添加时段")
            wait(driver, lambda d: item_input(d, 0, "schedule.hours", k)).send_keys(typed)
        click(driver, css(driver, "#publish"))
        wait(driver, lambda d: field_error(d, 0, "text"))
        messages = {f: field_error(driver, 0, f) for f in ("text", "page_seconds", "schedule.weekdays", "schedule.until",
                                                          "schedule.hours", "schedule.from", "title")}
        print(json.dumps(messages, ensure_ascii=False, indent=1), flush=True)
        assert messages["text"] == "请填写文字或上传文件", messages
        assert messages["page_seconds"] == "每页显示秒数要大于 0、最多 3600，或选“自动”", messages
        assert messages["schedule.weekdays"] == "星期至少要选一天", messages
        assert messages["schedule.until"] == "结束日期不能早于开始日期", messages
        # 8:30 and the full-width range are taken; the one that is not a time says what to write.
        assert messages["schedule.hours"] == "时段「8点半-12点」里的「8点半」要写成 时:分，如 08:30", messages
        assert not messages["schedule.from"] and not messages["title"], messages
        for m in messages.values():
            for raw in ('"', "[", "]", "auto", "from", "items"):
                assert raw not in m, (raw, m)
        # The fields as the form now shows them: 08:30, and the full-width range in its one form.
        assert item_input(driver, 0, "schedule.hours", 0).get_attribute("value") == "08:30-12:00"
        assert item_input(driver, 0, "schedule.hours", 1).get_attribute("value") == "13:00-17:30"
        assert item_input(driver, 0, "schedule.hours", 2).get_attribute("aria-invalid") == "true"
        assert item_input(driver, 0, "text").get_attribute("aria-invalid") == "true"
        published = json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])
        assert not published["published"], "a refused playlist was published"
        shot(driver, "words-mistakes")

        step("2. fixed: the text typed (its first line the title again), days ticked, dates cleared, the bad range removed")
        text = item_input(driver, 0, "text")
        text.clear()
        text.send_keys("  办事须知\n请带好本人身份证件。\n窗口：3 号  ")
        seconds = item_input(driver, 0, "page_seconds")
        seconds.clear()
        seconds.send_keys("3")
        for box in driver.find_elements(By.CSS_SELECTOR, "[data-item='0'][data-input='schedule.weekdays']"):
            click(driver, box)
        set_date(driver, item_input(driver, 0, "schedule.from"), "")
        set_date(driver, item_input(driver, 0, "schedule.until"), "")
        click(driver, driver.find_element(By.CSS_SELECTOR, "button[aria-label='删除时段 3']"))
        # A second item uploaded from a file: its title goes to 标题, not into the text.
        upload = os.path.join(fleet.dir, "取号须知.txt")
        with open(upload, "wb") as f:
            f.write("取号须知\n请在取号机上选择业务类型。\n".encode("gbk"))
        add_text_item(driver, 1)
        css(driver, "fieldset[data-index='1'] input[type=file]").send_keys(upload)
        wait(driver, lambda d: css(d, "#text-1").get_attribute("value"))
        assert css(driver, "#title-1").get_attribute("value") == "取号须知"
        assert css(driver, "#text-1").get_attribute("value").strip() == "请在取号机上选择业务类型。"
        label = css(driver, "label[for='text-0']").text
        assert "第一行是标题" not in label and "标题" in label, label
        click(driver, css(driver, "#publish"))
        # The scope's first playlist replaces what the screens play on their own: the page asks.
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#confirm-publish"))[0])
        wait(driver, lambda d: json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])["published"])
        # The page reloads what was published (and draws its form again) once 发布 is answered.
        wait(driver, lambda d: "当前版本由" in css(d, "#playlist-info").text)
        published = json.loads(api.request("GET", "/api/playlist?scope=group/floor/1")[1])["playlist"]["items"]
        assert published[0]["schedule"] == {"hours": ["08:30-12:00", "13:00-17:30"]}, published[0]
        assert published[0]["text"] == "办事须知\n请带好本人身份证件。\n窗口：3 号", published[0]
        assert published[1]["title"] == "取号须知" and not published[1]["text"].startswith("取号须知"), published[1]
        # The form shows what was published: the ranges in their one form.
        wait(driver, lambda d: item_input(d, 0, "schedule.hours", 0).get_attribute("value") == "08:30-12:00")
        shot(driver, "words-published")

        step("3. the screen shows the title once, and the preview counts pages as the pages do")
        # The screen's own layout of the item as published: one title line, the text's
        # first line (the same words) not repeated, no line set apart as grey meta.
        pages = layout_pages(fleet, published[0], "960x540")
        lines = [line for p in pages for line in p["lines"]]
        assert [line["text"] for line in lines if line["role"] == "title"] == ["办事须知"], lines
        assert sum("办事须知" in line["text"] for line in lines) == 1, [line["text"] for line in lines]
        assert not [line for line in lines if line["role"] in ("meta", "caption")], lines
        # A long text: more pages than the preview draws.
        text = item_input(driver, 0, "text")
        driver.execute_script("arguments[0].value = arguments[1];"
                              "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", text, LONG_TEXT)
        click_labelled(driver, "fieldset[data-index='0'] button", "预览")
        caption = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .preview figcaption")
                       and css(d, "fieldset[data-index='0'] .preview figcaption").text, 60)
        item = dict(published[0], text=LONG_TEXT)
        expected = layout_pages(fleet, item, "960x540")
        total = expected[0]["of"]
        assert total == len(expected) and total > 6, (total, len(expected))
        assert caption == f"960×540：共 {total} 页，这里显示前 6 页", caption
        imgs = driver.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .preview img")
        assert len(imgs) == 6, len(imgs)
        chrome = [c["text"] for c in expected[0]["chrome"] if c.get("role") == "page-number"]
        assert chrome and f"/{total}" in chrome[0], chrome
        shot(driver, "words-preview")
        # The screen plays what was published.
        wait_for(lambda: current_item(fleet, "hall-1f") in (published[0]["id"], published[1]["id"]), 30,
                 "hall-1f to play the published playlist")
        print(f"words: passed in {time.monotonic() - started:.1f} s", flush=True)
        print("1 passed, 0 failed")
        return 0
    except BaseException:
        if driver:
            try:
                driver.save_screenshot(os.path.join(fleet.dir, "failure.png"))
            except Exception:
                pass
        print("console log:", fleet.log("console"))
        if fleet.keep:
            print("files kept in", fleet.dir)
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
