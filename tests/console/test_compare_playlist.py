#!/usr/bin/python3
"""新旧对照 on the playlist page (issue 30), as a hall clerk puts one in a floor's playlist in a
real browser (Debian's chromium, headless; a real broker, kiosk-console and a screen; the two
texts of a regulation on a portal on loopback): the kind 新旧对照 asks for 修订前的文本 and
修订后的文本 (or, a choice, one published 新旧对照表 page) and 施行日期; switching the kind
keeps what was typed and hides what does not apply; only one text given shows the checker's
Chinese message beside 修订后的文本 and publishes nothing; both given and a date publish
{"kind": "compare", "old", "new", "effective"} — the document the broker holds for the screen
and the screen takes it; the date left empty is not sent, and the 操作日志 says so in the
form's words.

    /usr/bin/python3 tests/console/test_compare_playlist.py BUILD_DIR SOURCE_DIR [--shots DIR] [--keep]"""
import base64
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (report_failure, ADMIN, PASSWORDS, step, browser, wait, css, login, toast_text,  # noqa: E402
                     applied_gen, current_item, shot, shots_argument, click, click_labelled)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

FLOOR = "group/floor/1"
TITLE = "中华人民共和国政府信息公开条例"

# Four articles of the regulation as it was (2007) and as revised (2019): text changed, an
# article added, the closing article renumbered with its date (public texts, gov.cn).
OLD = ("第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，促进依法行政，"
       "充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。",
       "第二条　本条例所称政府信息，是指行政机关在履行职责过程中制作或者获取的，以一定形式记录、保存的信息。",
       "第三条　各级人民政府应当加强对政府信息公开工作的组织领导。",
       "第三十八条　本条例自2008年5月1日起施行。")
NEW = ("第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，建设法治政府，"
       "充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。",
       "第二条　本条例所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息。",
       "第三条　各级人民政府应当加强对政府信息公开工作的组织领导。",
       "第五条　行政机关公开政府信息，应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。",
       "第五十六条　本条例自2019年5月15日起施行。")


def page(title, paragraphs):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset=utf-8><title>{title}</title></head><body><div class=pages_content id=UCAP-CONTENT>"
            f"<h1>{title}</h1>{body}</div></body></html>").encode()


def portal(pages):
    """The portal on loopback: each path its page (404 elsewhere); its base URL."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def field_error(driver, item, field):
    return css(driver, f".field-error[data-item='{item}'][data-field='{field}']").text


def item_input(driver, item, field):
    return css(driver, f"[data-item='{item}'][data-input='{field}']")


def typed(driver, element, value):
    element.clear()
    element.send_keys(value)


def set_date(driver, element, value):
    """A date as the browser's date picker sets it (its typed form depends on the locale)."""
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def visible_labels(driver, item):
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, f"fieldset[data-index='{item}'] label") if el.is_displayed()]


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        site = portal({"/2007.html": page(TITLE, OLD), "/2019.html": page(TITLE + "（2019年修订）", NEW),
                       "/news.html": page("市政务服务中心延长周六服务时间", ("自下月起，市政务服务中心周六上午开放。",))})
        old_url, new_url = site + "/2007.html", site + "/2019.html"
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.start_console()
        fleet.start_screen("hall-1f", ["floor/1"])
        url = fleet.url
        api = Http(url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        driver = browser()
        login(driver, url, ADMIN, PASSWORDS[ADMIN])

        step("1. an item begun as a 法规 from the portal, then made a 新旧对照: what was typed is kept")
        driver.get(url + "/playlist")
        scope = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#scope option[value='{FLOOR}']") and css(d, "#scope"))
        Select(scope).select_by_value(FLOOR)
        # The floor's playlist drawn (not the first one the page loads, 全部屏幕's).
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#playlist-form[data-scope='{FLOOR}']"))
        wait(driver, lambda d: "还没有发布过" in css(d, "#playlist-info").text)
        click_labelled(driver, ".actions.sticky button", "添加一项")
        title = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#title-0"))[0]
        title.send_keys(TITLE)
        # The box's legend follows the title as it is typed.
        assert css(driver, "fieldset[data-index='0'] legend").text == f"第 1 项：{TITLE}", css(driver, "fieldset[data-index='0'] legend").text
        Select(item_input(driver, 0, "kind")).select_by_value("regulation")
        item_input(driver, 0, "source").send_keys(old_url)
        Select(item_input(driver, 0, "kind")).select_by_value("compare")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#old-0"))
        labels = visible_labels(driver, 0)
        print(json.dumps(labels, ensure_ascii=False), flush=True)
        for words in ("修订前、修订后两份文本", "一个已发布的新旧对照表页面", "修订前的文本", "修订后的文本", "施行日期"):
            assert any(words in label for label in labels), (words, labels)
        # 网站上的文章 / 输入文字或上传文件 and the 网址 field do not apply: not on the page.
        assert not [x for x in labels if "网站上的文章" in x or "输入文字" in x], labels
        assert not driver.find_elements(By.CSS_SELECTOR, "#source-0, #text-0")
        assert css(driver, "#title-0").get_attribute("value") == TITLE
        legend = css(driver, "fieldset[data-index='0'] legend").text
        assert legend == f"第 1 项　新旧对照：《{TITLE}》", legend
        hint = css(driver, "fieldset[data-index='0'] .compare-fields").text
        assert "不填时从修订后的文本里读出" in hint, hint
        # The other choice, one published 对照表 page, holds the address typed before.
        click(driver, css(driver, "input[name='pair-0'][value='table']"))
        assert wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#source-0"))[0].get_attribute("value") == old_url
        assert not driver.find_elements(By.CSS_SELECTOR, "#old-0, #new-0")
        click(driver, css(driver, "input[name='pair-0'][value='two']"))
        old_field = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#old-0"))[0]
        shot(driver, "compare-form")

        step("2. only 修订前的文本 given: the message beside 修订后的文本, in Chinese; nothing published")
        typed(driver, old_field, old_url)
        click(driver, css(driver, "#publish"))
        message = wait(driver, lambda d: field_error(d, 0, "new"))
        print("beside 修订后的文本:", message, flush=True)
        assert message == "请填写修订后的文本的网址，如 https://www.changchun.gov.cn/…", message
        assert item_input(driver, 0, "new").get_attribute("aria-invalid") == "true"
        assert not field_error(driver, 0, "old") and not field_error(driver, 0, "effective") and not field_error(driver, 0, ""), \
            [field_error(driver, 0, f) for f in ("old", "effective", "")]
        assert "没有发布" in toast_text(driver), toast_text(driver)
        assert not driver.find_elements(By.CSS_SELECTOR, "#confirm-publish")
        published = json.loads(api.request("GET", f"/api/playlist?scope={FLOOR}")[1])
        assert not published["published"], "a playlist with a mistake was published"
        shot(driver, "compare-one-side")
        # 读取 of a page that is not a regulation's text (a news item): said at once, and what to do.
        typed(driver, item_input(driver, 0, "new"), site + "/news.html")
        click(driver, [b for b in driver.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .compare-fields button")
                       if b.text == "读取"][1])
        warning = wait(driver, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .extract .error")], 30)
        print("读取 of a news page:", warning, flush=True)
        assert "没有找到“第一条”这样的条文编号" in warning[0] and "请换成法规全文" in warning[0], warning
        shot(driver, "compare-not-a-regulation")

        step("3. 修订后的文本 read from the portal, a 施行日期, published: the screen receives kind compare")
        typed(driver, item_input(driver, 0, "new"), new_url)
        click_labelled(driver, "fieldset[data-index='0'] .compare-fields button", "读取")  # the first: 修订前的文本
        found = wait(driver, lambda d: "找到" in css(d, "fieldset[data-index='0'] .extract").text
                     and css(d, "fieldset[data-index='0'] .extract").text, 30)
        assert f"“{TITLE}”" in found and "第一条" in found and "，4 条" in found, found
        assert not css(driver, "fieldset[data-index='0'] .extract").find_elements(By.CSS_SELECTOR, ".error")
        set_date(driver, item_input(driver, 0, "effective"), "2019-05-15")
        gen = applied_gen(fleet, "hall-1f", FLOOR)
        click(driver, css(driver, "#publish"))
        click(driver, wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#confirm-publish"))[0])
        wait(driver, lambda d: "当前版本由" in css(d, "#playlist-info").text, 15)
        items = json.loads(api.request("GET", f"/api/playlist?scope={FLOOR}")[1])["playlist"]["items"]
        assert len(items) == 1, items
        item = items[0]
        assert (item["kind"], item["old"], item["new"], item["effective"], item["title"]) == \
            ("compare", old_url, new_url, "2019-05-15", TITLE), item
        # What does not apply to the choice made is not sent.
        assert "source" not in item and "text" not in item, item
        # The document the broker holds for the floor's screens, and the screen taking it.
        doc = [p for t, p in fleet.retained_desired().items() if t.endswith(f"/{FLOOR}/playlist")]
        assert doc, fleet.retained_desired().keys()
        body = json.loads(base64.b64decode(json.loads(doc[0])["payload"]))["body"]
        sent = body["playlist"]["items"][0] if "playlist" in body else body["items"][0]
        assert (sent["kind"], sent["old"], sent["new"], sent["effective"]) == ("compare", old_url, new_url, "2019-05-15"), sent
        wait_for(lambda: applied_gen(fleet, "hall-1f", FLOOR) > gen, 20, "hall-1f to take the playlist")
        # The form as published: the kind, both texts and the date drawn again from it.
        wait(driver, lambda d: item_input(d, 0, "old").get_attribute("value") == old_url)
        assert item_input(driver, 0, "new").get_attribute("value") == new_url
        assert item_input(driver, 0, "effective").get_attribute("value") == "2019-05-15"
        assert Select(item_input(driver, 0, "kind")).first_selected_option.text == "新旧对照"
        shot(driver, "compare-published")

        step("4. 预览: the comparison drawn by the screens' own engine at each size")
        click_labelled(driver, "fieldset[data-index='0'] .actions button", "预览")
        captions = wait(driver, lambda d: [c.text for c in d.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .preview figcaption")]
                        or (d.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .preview .error")
                            and [css(d, "fieldset[data-index='0'] .preview .error").text]), 60)
        print("preview:", captions, flush=True)
        # The scope's one screen is 960×540: the preview is drawn at its size.
        assert len(captions) == 1 and captions[0].startswith("960×540：共 "), captions
        images = driver.find_elements(By.CSS_SELECTOR, "fieldset[data-index='0'] .preview img")
        wait(driver, lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth === 960", i)
                                   for i in images))
        assert len(images) >= 2, len(images)  # the opening summary and the articles
        shot(driver, "compare-preview")
        # The screen plays it (both texts fetched from the portal and compared there), in as
        # many pages as the preview counted.
        wait_for(lambda: current_item(fleet, "hall-1f") == item["id"], 40, "hall-1f to show the comparison")
        pages = [i for i in fleet.screen_status("hall-1f")["items"] if i["id"] == item["id"]][0]["pages"]
        assert captions[0].startswith(f"960×540：共 {pages} 页"), (captions, pages)

        step("5. the date left empty (read from the text) and published again; the 操作日志 in the form's words")
        set_date(driver, item_input(driver, 0, "effective"), "")
        gen = applied_gen(fleet, "hall-1f", FLOOR)
        click(driver, css(driver, "#publish"))
        wait_for(lambda: "effective" not in json.loads(api.request("GET", f"/api/playlist?scope={FLOOR}")[1])["playlist"]["items"][0],
                 15, "the playlist without its date")
        wait_for(lambda: applied_gen(fleet, "hall-1f", FLOOR) > gen, 20, "hall-1f to take the playlist again")
        driver.get(url + "/audit")
        log = wait(driver, lambda d: "施行日期" in d.find_element(By.TAG_NAME, "main").text
                   and d.find_element(By.TAG_NAME, "main").text, 15)
        assert f"第 1 项「{TITLE}」施行日期 2019-05-15 → 未填" in log, log
        assert f"新增第 1 项「{TITLE}」" in log, log
        shot(driver, "compare-audit")
        print(f"compare playlist: passed in {time.monotonic() - started:.1f} s", flush=True)
        print("1 passed, 0 failed")
        return 0
    except BaseException:
        report_failure(driver, fleet, ("console", "hall-1f"))
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
