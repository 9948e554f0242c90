"""The office is the source of truth, and loses no publication, whatever is killed: a real
broker (TLS, ACL), kiosk-console and a headless kiosk, and SIGKILL for the console in the
middle of publishing and of approving (20 times each), for an idle broker and for a broker
in the middle of a publish. Afterwards the console's records, the broker's retained
documents and the screen agree, every answered request is kept, and nothing is published
twice. Also: a database that cannot be written fails the action, with a message, and
leaves nothing behind.

usage: test_console_durability.py BUILD_DIR SOURCE_DIR"""
import json
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, wait_for  # noqa: E402


class Clerk(Http):
    """A signed-in clerk's requests, as the page sends them: with the CSRF token."""

    def request(self, method, path, body=None, headers=None):
        h = {"X-CSRF-Token": self.csrf} if self.csrf and method != "GET" else {}
        h.update(headers or {})
        return super().request(method, path, body, h)

ROUNDS = 20
FLOOR = "group/floor/1"


def step(text):
    print("== " + text, flush=True)


def in_force(http):
    status, raw, _ = http.request("GET", "/api/notices")
    assert status == 200, (status, raw)
    return {(n["id"], n["scope"]): n["text"] for n in json.loads(raw)}


def on_broker(fleet):
    """(id, scope) -> text of every notice the broker holds that is not cleared."""
    import base64
    out = {}
    for topic, doc in fleet.retained_desired().items():
        parts = topic.split("/")
        if "notice" not in parts:
            continue
        payload = json.loads(base64.b64decode(json.loads(doc)["payload"]))
        if payload["body"].get("cleared"):
            continue
        out[(payload["id"], payload["target"])] = payload["body"]["text"]
    return out


def on_screen(fleet, name):
    try:
        return set(fleet.screen_status(name)["fleet"]["notices"])
    except (OSError, KeyError, ValueError):
        return None


def console_connected(http):
    status, raw, _ = http.request("GET", "/api/me")
    return status == 200 and json.loads(raw)["broker"]


def killed_mid_request(fleet, http, path, body, window):
    """Sends the request and SIGKILLs the console a random moment within `window` seconds
    later (spread over its writing and publishing); the answer, if one came back."""
    answer = []

    def send():
        try:
            answer.append(http.request("POST", path, body))
        except Exception as e:  # the connection died with the console
            answer.append((0, str(e).encode(), {}))

    t = threading.Thread(target=send)
    t.start()
    time.sleep(random.uniform(0, window))
    fleet.kill("console")
    t.join(35)
    fleet.start_console()
    # Ready again (its link reconciled with the broker) before the next round's kill.
    wait_for(lambda: console_connected(http), 30, "the console to reach the broker again")
    return answer[0] if answer else (0, b"", {})


def agree(fleet, admin, screen):
    """The console's notices in force, the broker's and the screen's are the same set."""
    def same():
        db = in_force(admin)
        broker = on_broker(fleet)
        shown = on_screen(fleet, screen)
        expect_shown = {f"notice/{i}@{s}" for (i, s) in db}
        return (db,) if db == broker and shown == expect_shown else None
    try:
        return wait_for(same, 60, "the console, the broker and the screen to agree")[0]
    except AssertionError:
        db = in_force(admin)
        broker = on_broker(fleet)
        raise AssertionError(f"console only: {set(db) - set(broker)}; broker only: {set(broker) - set(db)}; "
                             f"screen: {on_screen(fleet, screen)}")


def request_seconds(http, path, body):
    """How long one such request takes here (the kills are spread over it)."""
    start = time.monotonic()
    status, raw, _ = http.request("POST", path, body)
    assert status in (200, 202), (status, raw)
    return time.monotonic() - start


def main():
    build, source = sys.argv[1], sys.argv[2]
    random.seed(int(os.environ.get("KIOSK_TEST_SEED", time.time())))
    fleet = Fleet(build, source)
    ok = False
    try:
        fleet.adduser("wang", "admin", "wang-password-1")
        fleet.adduser("zhang", "editor", "zhang-password-1")
        fleet.start_console()
        fleet.start_screen("hall-1f", ["floor/1"])
        admin = Clerk(fleet.url)
        admin.login("wang", "wang-password-1")
        editor = Clerk(fleet.url)
        editor.login("zhang", "zhang-password-1")
        wait_for(lambda: console_connected(admin), 30, "the console to reach the broker")
        # Four hours from now in the office's zone (Asia/Shanghai, UTC+8).
        until = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + (8 + 4) * 3600))

        step(f"the console killed mid-publish, {ROUNDS} times: every answered notice is kept, none twice")
        # The kills are spread over twice the time a notice takes here (a few ms: the
        # connection, the checks, the transaction, the broker's PUBACK, the answer).
        took = sorted(request_seconds(admin, "/api/notices", {"text": "量时间", "until": until, "scopes": [FLOOR]})
                      for _ in range(5))[2]
        window = 2 * took
        print(f"   a notice takes {took * 1000:.1f} ms; kills within {window * 1000:.1f} ms of the request")
        answered = {}
        for i in range(ROUNDS):
            text = f"第{i}条停电通知"
            status, raw, _ = killed_mid_request(fleet, admin, "/api/notices",
                                                {"text": text, "until": until, "scopes": [FLOOR]}, window)
            if status in (200, 202):
                answered[json.loads(raw)["id"]] = text
        db = agree(fleet, admin, "hall-1f")
        texts = list(db.values())
        for nid, text in answered.items():
            assert db.get((nid, FLOOR)) == text, f"notice {nid} was answered 200 and is lost"
        status, raw, _ = admin.request("GET", "/api/audit?action=publish_notice")
        audited = [e["detail"].split("\n")[0] for e in json.loads(raw)]
        for (nid, _scope) in db:
            assert audited.count("id " + nid) == 1, (nid, audited)
        kept = [t for t in db.values() if t != "量时间"]
        assert len(texts) == len(set(texts)) + 4, f"a notice published twice: {sorted(texts)}"
        print(f"   {len(answered)} of {ROUNDS} answered before the kill, {len(kept) - len(answered)} more kept unanswered "
              f"(killed after their transaction), {ROUNDS - len(kept)} killed before it; all on the broker and the screen")

        step(f"the console killed mid-approval, {ROUNDS} times: each change published once, under one id")
        status, _, _ = admin.request("POST", "/api/settings", {"require_approval": True})
        assert status == 200
        changes = {}
        survived = 0
        for i in range(ROUNDS):
            text = f"第{i}条审核通知"
            status, raw, _ = editor.request("POST", "/api/notices", {"text": text, "until": until, "scopes": [FLOOR]})
            assert status == 200 and "pending" in json.loads(raw), (status, raw)
            pending = json.loads(raw)["pending"]
            changes[pending] = text
            killed_mid_request(fleet, admin, "/api/approvals/decide", {"id": pending, "approve": True}, window)
            # After the restart the change is either approved (and published) or still
            # pending (and not); approving again publishes it once.
            status, raw, _ = admin.request("GET", "/api/approvals?all=1")
            state = {c["id"]: c["state"] for c in json.loads(raw)}[pending]
            survived += state == "approved"
            if state == "pending":
                status, raw, _ = admin.request("POST", "/api/approvals/decide", {"id": pending, "approve": True})
                assert status in (200, 202), (status, raw)
            status, raw, _ = admin.request("POST", "/api/approvals/decide", {"id": pending, "approve": True})
            assert status == 404, ("a decided change was approved again", status, raw)
        db = agree(fleet, admin, "hall-1f")
        for text in changes.values():
            ids = [nid for (nid, _s), t in db.items() if t == text]
            assert len(ids) == 1, f"{text}: published as {ids}"
        print(f"   {survived} of {ROUNDS} approvals landed before the kill, the rest approved again after it; each once")
        admin.request("POST", "/api/settings", {"require_approval": False})

        step("an idle broker killed: the console reconnects by itself and restores what the broker lost")
        fleet.kill("mosquitto")
        wait_for(lambda: not console_connected(admin), 30, "the console to notice the broker is gone")
        fleet.start_broker()
        wait_for(lambda: console_connected(admin), 60, "the console to reconnect")
        before = agree(fleet, admin, "hall-1f")
        status, raw, _ = admin.request("POST", "/api/notices", {"text": "重连后的通知", "until": until, "scopes": [FLOOR]})
        assert status == 200, (status, raw)
        assert len(agree(fleet, admin, "hall-1f")) == len(before) + 1
        assert "connected to the broker" in fleet.log("console")

        step("the broker killed mid-publish: the notice is kept, and on the screens once the broker is back")
        fleet.kill("mosquitto")
        wait_for(lambda: not console_connected(admin), 30, "the console to notice the broker is gone")
        status, raw, _ = admin.request("POST", "/api/notices", {"text": "断线时发的通知", "until": until, "scopes": [FLOOR]})
        assert status == 202 and json.loads(raw)["queued"] and "连上后会自动发到屏幕" in json.loads(raw)["message"], (status, raw)
        queued_id = json.loads(raw)["id"]
        fleet.start_broker()
        wait_for(lambda: console_connected(admin), 60, "the console to reconnect")
        assert (queued_id, FLOOR) in agree(fleet, admin, "hall-1f")

        step("a database another process holds: the action fails with a message and leaves nothing")
        db_file = os.path.join(fleet.dir, "console", "console.db")
        holder = sqlite3.connect(db_file, timeout=1, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            status, raw, _ = admin.request("POST", "/api/notices", {"text": "写不进去的通知", "until": until, "scopes": [FLOOR]})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert status == 503 and "数据库" in json.loads(raw)["error"], (status, raw)
        assert "写不进去的通知" not in agree(fleet, admin, "hall-1f").values()

        step("SIGTERM: a clean stop")
        code = fleet.stop("console")
        assert code == 0, (code, fleet.log("console"))
        ok = True
        print("== all durability tests passed")
        return 0
    finally:
        if not ok:
            for name in ("console", "mosquitto", "hall-1f"):
                print(f"--- {name} log\n" + fleet.log(name))
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
