#!/usr/bin/python3
"""播放记录 and 操作日志 as a clerk uses them, in a real browser (Debian's chromium), with a
real broker, console and screen: a playlist with 2019年年度报告 (short pages) plays through a
few times, the item leaves the playlist, and the question "how many times was the 2019
report shown on 1楼东侧屏 today?" is answered on the 播放记录 page by typing 2019 and the
screen's name — the title and the count the screen itself logged. The 操作日志 says what
the edit changed in Chinese; both CSVs have Chinese headers and names, not ids.

    /usr/bin/python3 tests/console/test_browser_records.py BUILD_DIR SOURCE_DIR [--keep] [--shots DIR]
"""
import csv
import io
import json
import os
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402
from browser import (ADMIN, PASSWORDS, step, browser, wait, css, login, current_item, applied_gen,  # noqa: E402
                     shot, shots_argument, click)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

ITEM = "item-mxcs3qfyd4"
TITLE = "2019年年度报告"
FLOOR = "group/floor/1"
# Enough text for a few pages on a 960×540 screen.
REPORT = "\n\n".join(f"第{n}部分。本年度政府信息公开工作情况，主动公开政府信息的情况，收到和处理政府信息公开申请的情况，"
                     f"政府信息公开行政复议、行政诉讼情况，存在的主要问题及改进情况。" for n in range(1, 9))


def playlist(with_report, guide_seconds):
    items = [{"id": "guide", "title": "办事指南", "text": "办事指南\n请先取号，再到对应窗口办理。", "page_seconds": guide_seconds}]
    if with_report:
        items.insert(0, {"id": ITEM, "title": TITLE, "text": REPORT, "page_seconds": 1})
    return {"version": 1, "items": items}


def screen_plays(fleet, screen, item):
    """The screen's own proof-of-play log: (whole showings, pages) of `item`."""
    showings = pages = 0
    with open(os.path.join(fleet.dir, screen, "state", "proof-of-play.log")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("item") == item:
                pages += 1
                showings += 1 if r.get("complete") else 0
    return showings, pages


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shots_argument(sys.argv)
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    driver = None
    started = time.monotonic()
    try:
        fleet.adduser(ADMIN, "admin", PASSWORDS[ADMIN])
        fleet.start_console()
        fleet.start_screen("hall-1f", ["floor/1"], page_seconds=1)
        # What the admin calls the screen (the console's names table, schema 3).
        with sqlite3.connect(os.path.join(fleet.dir, "console", "console.db"), timeout=10) as db:
            db.execute("INSERT INTO display_names (kind, id, name) VALUES ('screen', 'hall-1f', '1楼东侧屏')")
        url = fleet.url
        api = Http(url)
        api.login(ADMIN, PASSWORDS[ADMIN])
        wait_for(lambda: [s["state"] for s in json.loads(api.request("GET", "/api/screens")[1])["screens"]] == ["online"],
                 30, "the screen online")

        step("1. a playlist with 2019年年度报告 (one-second pages) plays through a few times")
        status, raw, _ = api.request("POST", "/api/playlist", {"scope": FLOOR, "playlist": playlist(True, 1)},
                                     {"X-CSRF-Token": api.csrf})
        assert status == 200, (status, raw)
        wait_for(lambda: screen_plays(fleet, "hall-1f", ITEM)[0] >= 3, 45, "three whole showings on the screen")

        step("2. the item leaves the playlist (and 办事指南 gets two seconds a page)")
        gen = applied_gen(fleet, "hall-1f", FLOOR)
        status, raw, _ = api.request("POST", "/api/playlist", {"scope": FLOOR, "playlist": playlist(False, 2)},
                                     {"X-CSRF-Token": api.csrf})
        assert status == 200, (status, raw)
        wait_for(lambda: applied_gen(fleet, "hall-1f", FLOOR) > gen and current_item(fleet, "hall-1f") == "guide", 15,
                 "the new playlist playing")
        # Every play of the report is in the screen's log now; the console has them once the
        # screen's spool has drained (the broker acknowledged every batch).
        expected = screen_plays(fleet, "hall-1f", ITEM)
        print(f"   the screen logged {expected[0]} showings, {expected[1]} pages")
        assert expected[1] > expected[0] >= 3, expected  # more than one page a showing

        def console_count():
            status, raw, _ = api.request("GET", "/api/plays?item=2019")
            rows = json.loads(raw)
            return (sum(r["showings"] for r in rows), sum(r["pages"] for r in rows)) if status == 200 else None
        wait_for(lambda: console_count() == expected, 15, f"the console to have the screen's {expected}")

        step("3. 播放记录: 2019 and the screen's name, 今天 → the title and the count")
        driver = browser()
        login(driver, url, ADMIN, PASSWORDS[ADMIN])
        clicks = 0
        click(driver, wait(driver, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "header nav a") if a.text == "播放记录"])[0])
        clicks += 1
        form = wait(driver, lambda d: css(d, "#plays-question"))
        # The pickers offer the screen's name and the removed item's title.
        options = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#plays-items option")]
        assert TITLE in options, options
        assert "1楼东侧屏" in [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#plays-screens option")]
        form.find_element(By.CSS_SELECTOR, "[name=screen]").send_keys("1楼东侧屏")
        form.find_element(By.CSS_SELECTOR, "[name=item]").send_keys("2019")
        click(driver, form.find_element(By.CSS_SELECTOR, "[data-day=今天]"))
        clicks += 1
        answer = wait(driver, lambda d: css(d, "#plays-answer .answer").text)
        want = f"「{TITLE}」今天在 1楼东侧屏 完整播放 {expected[0]} 次（共 {expected[1]} 页）"
        assert answer == want, (answer, want)
        print(f"   {answer} — {clicks} clicks and 2 fields after login")
        # The rows below: names, not ids; showings and pages apart.
        row = wait(driver, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#plays-table tbody tr")
                                      if r.get_attribute("data-item") == ITEM])[0]
        cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "td")]
        assert cells[1:5] == ["1楼东侧屏", TITLE, f"{expected[0]} 次", f"{expected[1]} 页"], cells
        assert ITEM not in css(driver, "main").text and "hall-1f" not in css(driver, "main").text
        shot(driver, "plays-answer")
        # A question with no answer says so, and what to try.
        form.find_element(By.CSS_SELECTOR, "[name=item]").clear()
        form.find_element(By.CSS_SELECTOR, "[name=item]").send_keys("2018")
        click(driver, form.find_element(By.CSS_SELECTOR, "[data-day=今天]"))
        wait(driver, lambda d: "没有「2018」的播放记录" in css(d, "#plays-answer").text)
        status, raw, _ = api.request("GET", "/api/plays.csv?item=2019&screen=" + urllib.parse.quote("1楼"))
        assert status == 200, status
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert table[0] == ["日期", "屏幕", "内容", "完整播放次数", "显示页数", "播放时长（秒）"], table[0]
        assert table[1][1:5] == ["1楼东侧屏", TITLE, str(expected[0]), str(expected[1])], table[1]

        step("4. 操作日志: the edit in Chinese, the actions' names, a filter by the Chinese names; old entries readable")
        # An entry as an older console wrote it (English phrases, a raw JSON diff): the log is
        # append-only, so it stays so; the page renders it.
        with sqlite3.connect(os.path.join(fleet.dir, "console", "console.db"), timeout=10) as db:
            db.execute("INSERT INTO audit (at, user, address, action, target, detail) VALUES (?, 'zhao', '127.0.0.1', "
                       "'publish_playlist', 'group/floor/1', ?)",
                       (int(time.time()), 'approved, edited by li\n-       "title": "甲",\n+       "title": "乙",\n'))
        click(driver, [a for a in driver.find_elements(By.CSS_SELECTOR, "header nav a") if a.text == "操作日志"][0])
        rows = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr[data-action=publish_playlist]"))
        old, newest = (r.find_elements(By.CSS_SELECTOR, "td") for r in rows[:2])  # the entry just added, then ours
        assert newest[3].text == "发布节目单" and newest[4].text == "1 楼", [c.text for c in newest]
        assert newest[5].text == f"删除「{TITLE}」\n第 1 项「办事指南」每页 1 秒 → 2 秒", newest[5].text
        first = rows[2].find_elements(By.CSS_SELECTOR, "td")[5].text
        assert first.startswith("第一次发布，共 2 项\n新增第 1 项「2019年年度报告」"), first
        # The 操作 column is one line wide enough for its words (not a character a line).
        lines = driver.execute_script(
            "const r = document.createRange(); r.selectNodeContents(arguments[0]); return r.getClientRects().length;",
            rows[1].find_element(By.CSS_SELECTOR, "td.action"))
        assert lines == 1, lines
        assert old[5].text == "审核通过（修改人：li）\n节目单有改动（旧记录，只存了技术格式的改动）\n查看原始记录", old[5].text
        users = [r.find_element(By.CSS_SELECTOR, "td.user").text for r in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")]
        assert "命令行" in users and "(command line)" not in users, users
        Select(css(driver, "select[name=action]")).select_by_visible_text("登录")
        click(driver, css(driver, ".filters button[type=submit]"))
        wait(driver, lambda d: {r.get_attribute("data-action") for r in d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")}
             == {"login"})
        Select(css(driver, "select[name=action]")).select_by_visible_text("全部")
        click(driver, css(driver, ".filters button[type=submit]"))
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr[data-action=publish_playlist]"))
        shot(driver, "audit")
        status, raw, _ = api.request("GET", "/api/audit.csv")
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert table[0] == ["时间", "用户", "地址", "操作", "对象", "详情"], table[0]
        published = [r for r in table[1:] if r[3] == "发布节目单"]
        assert published[1][4] == "1 楼" and published[1][5].startswith(f"删除「{TITLE}」"), published
        assert published[0][5].startswith("审核通过（修改人：li）"), published[0]
        assert not any(r[3] in ("publish_playlist", "login") for r in table[1:])
    except BaseException:
        for name in ("console", "hall-1f"):
            print(f"--- {name} log ---\n{fleet.log(name)}", file=sys.stderr)
        raise
    finally:
        if driver:
            driver.quit()
        fleet.close()
    print(f"ok ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
