#!/usr/bin/python3
"""Issue 29's "Done when" for the office's intake: an official warning served by a feed
reaches the screens its region maps to, and its Cancel takes it off. Real parts: a Mosquitto
broker (TLS, the ACL), kiosk-console with console.json "warnings" (one feed on a loopback
HTTP server, every_seconds 30: the desk polls at start, then every 30 s), two headless
kiosks — hall-cc in group changchun (the rules map region 2201 to it) and hall-other in
group other (mapped nowhere).

1. The feed serves the fixture 暴雪橙色预警 for 长春市 (220100): hall-cc shows the urgent notice
   within one poll interval + 5 s; hall-other, once its status was written after that, has none.
2. The feed serves the Cancel: the notice comes off hall-cc within a poll interval + 5 s.
3. The audit log has each step with the identifier and the sender; the feed was fetched with
   a conditional GET (its ETag: 304 while unchanged).
Prints the feed-to-screen latency (seconds from the feed serving the message to the screen's
status showing it).

    /usr/bin/python3 tests/console/test_warning_intake.py BUILD_DIR SOURCE_DIR [--keep]
"""
import http.server
import json
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, free_port, wait_for  # noqa: E402

POLL = 30
ALERT_ID = "cn.12379.220100.20261207061000.blizzard.1"
CANCEL_ID = "cn.12379.220100.20261208120000.blizzard.3"
SENDER = "changchun-qxt@12379.cn"


class Feed:
    """A loopback feed: serves `body` with an ETag, 304 to a request that has it already; notes
    when it first served each body and how many 304s it gave."""

    def __init__(self):
        self.body, self.served, self.not_modified = b"", {}, 0
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                etag = '"%d"' % hash(feed.body)
                if self.headers.get("If-None-Match") == etag:
                    feed.not_modified += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                feed.served.setdefault(feed.body, time.time())
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/cap.xml"

    def close(self):
        self.server.shutdown()


def notices(fleet, screen):
    try:
        return [n for n in fleet.screen_status(screen)["fleet"]["notices"] if "yj-" in n]
    except (OSError, ValueError, KeyError):
        return None


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    fixtures = os.path.join(source, "tests/fixtures/warnings")
    fleet = Fleet(build, source, keep="--keep" in sys.argv)
    feed = Feed()
    started = time.monotonic()
    try:
        with open(os.path.join(fixtures, "cap_alert_blizzard_orange.xml"), "rb") as f:
            alert = f.read()
        with open(os.path.join(fixtures, "cap_cancel.xml"), "rb") as f:
            cancel = f.read()
        with open(fleet.console_json) as f:
            settings = json.load(f)
        settings["warnings"] = {"feeds": [{"name": "吉林省突发事件预警信息发布中心", "url": feed.url, "every_seconds": POLL}],
                                "drop_folder": "warnings-in"}
        fleet.write_json(fleet.console_json, settings)
        fleet.adduser("wang", "admin", "admin-pass-2026")  # creates the database
        # The admin's rules, as the 预警 page saves them: 长春市 (2201) to group changchun.
        db = os.path.join(fleet.dir, "console", "console.db")
        rules = {"format": "warning-rules/1", "regions": [{"code": "2201", "scopes": ["group/changchun"]}]}
        with sqlite3.connect(db) as c:
            c.execute("INSERT INTO warning_rules (one, rules, saved_by, saved_at) VALUES (1, ?, 'wang', ?)",
                      (json.dumps(rules), int(time.time())))
        fleet.start_screen("hall-cc", ["changchun"])
        fleet.start_screen("hall-other", ["other"])
        wait_for(lambda: notices(fleet, "hall-cc") == [] and notices(fleet, "hall-other") == [], 30, "both screens to run")

        print("1. the feed serves the 暴雪橙色预警 for 220100; the console starts and polls at once")
        feed.body = alert
        fleet.start_console()
        wait_for(lambda: notices(fleet, "hall-cc"), POLL + 5, "hall-cc to show the warning")
        shown = time.time()
        latency = shown - feed.served[alert]
        # It interrupts (urgent: at once, then in turn).
        wait_for(lambda: fleet.screen_status("hall-cc")["current"].get("item", "").startswith("notice/yj-"), 10,
                 "hall-cc to interrupt with the warning")
        # hall-other: its status written after hall-cc showed it, still without the warning.
        other = os.path.join(fleet.dir, "hall-other", "run", "status.json")
        wait_for(lambda: os.path.getmtime(other) > shown + 0.5, 20, "hall-other's status after the publish")
        assert notices(fleet, "hall-other") == [], fleet.screen_status("hall-other")["fleet"]
        print(f"   feed-to-screen latency: {latency:.1f} s")

        print("2. the feed serves the Cancel: the notice comes off hall-cc")
        feed.body = cancel
        wait_for(lambda: notices(fleet, "hall-cc") == [], POLL + 5, "the warning to come off hall-cc")
        off = time.time() - feed.served[cancel]
        print(f"   feed-to-screen latency of the Cancel: {off:.1f} s")

        print("3. the audit log: each step with the identifier and the sender")
        with sqlite3.connect(db) as c:
            rows = c.execute("SELECT action, user, detail FROM audit WHERE action LIKE 'warning_%' ORDER BY id").fetchall()
            states = dict(c.execute("SELECT identifier, state FROM warnings").fetchall())
        actions = [r[0] for r in rows]
        assert actions == ["warning_published", "warning_cancelled"], rows
        assert all(r[1] == "(warnings)" and SENDER in r[2] for r in rows), rows
        assert ALERT_ID in rows[0][2] and CANCEL_ID in rows[1][2], rows
        assert states == {ALERT_ID: "cancelled", CANCEL_ID: "cancelled"}, states
        print(f"   feed answered 304 {feed.not_modified} time(s) while unchanged")
        assert fleet.stop("console") == 0, fleet.log("console")
        print(f"ok ({time.monotonic() - started:.0f} s)")
    except BaseException:
        for name in ("console", "hall-cc", "hall-other"):
            print(f"--- {name}.log ---\n{fleet.log(name)}", file=sys.stderr)
        raise
    finally:
        feed.close()
        fleet.close()


if __name__ == "__main__":
    main()
