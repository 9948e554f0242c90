#!/usr/bin/python3
"""Halls bridged into a city (docs/fleet.md): two real Mosquitto brokers on loopback, both
TLS with client certificates and ACLs — the city's (config/fleet/city-acl) with kiosk-console
on it, and a hall's (config/fleet/acl) bridged to it by the shipped config/fleet/bridge.conf
with the hall broker's own certificate — and two headless kiosks on the hall's broker. The
link between the buildings is a TCP relay the test cuts and restores; the screens stay
connected to their hall's broker throughout.

    /usr/bin/python3 tests/console/test_bridge.py BUILD_DIR SOURCE_DIR [--cut SECONDS] [--rounds N] [--keep]

- the hall's bridge cannot write the office's desired state nor another hall's screens on
  the city broker (its certificate, against the city's ACL), and may write its own screens';
- a notice and a playlist posted in the console reach both screens; their acks (the
  console's receipts: 已显示), their status and their plays come back to the city side;
- the link cut for --cut seconds (the issue's minute; CI uses 20): the city sees the link
  go down (the bridge's last will), the screens keep turning pages and filing statuses and
  plays on the hall's broker, none of which reaches the city meanwhile; a notice posted in
  the console meanwhile is kept on the city broker;
- the link back: that notice shows once on each screen (one 已显示 ack each, the screen's
  replays of it refused as such), every status the screens filed during the cut reaches
  the city, and the console counts exactly the plays the screens logged, none twice;
- the latency the bridge adds: publish -> ack through the bridge vs on the hall's broker
  alone, same screen, same run, interleaved (`kiosk fleet refresh`), p50/p99 printed."""
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, Http, accepts, free_port, wait_for  # noqa: E402

HALL = "hall-zwzx"
SCREENS = ("zwzx-1f-01", "zwzx-1f-02")  # as config/fleet/city-acl names them
GROUP = "group/hall/zwzx"


def step(text):
    print("== " + text, flush=True)


def arg(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


class Clerk(Http):
    """A signed-in clerk's requests, as the page sends them: with the CSRF token."""

    def request(self, method, path, body=None, headers=None):
        h = {"X-CSRF-Token": self.csrf} if self.csrf and method != "GET" else {}
        h.update(headers or {})
        return super().request(method, path, body, h)

    def post(self, path, body):
        status, raw, _ = self.request("POST", path, body)
        assert status in (200, 202), (path, status, raw)
        return json.loads(raw)

    def get(self, path):
        status, raw, _ = self.request("GET", path)
        assert status == 200, (path, status, raw)
        return json.loads(raw)


class Link:
    """The link between the buildings: socat relaying the hall broker's bridge to the city
    broker (TCP_NODELAY both ways, as the brokers' own sockets). cut() kills it with every
    connection through it: the city broker sees the bridge's connection drop, and the
    bridge's attempts to reconnect are refused until restore()."""

    def __init__(self, fleet, target_port):
        self.fleet, self.target, self.port = fleet, target_port, free_port()
        self.restore()

    def restore(self):
        p = self.fleet.start("link", ["socat", f"TCP-LISTEN:{self.port},bind=127.0.0.1,reuseaddr,fork,nodelay",
                                      f"TCP:127.0.0.1:{self.target},nodelay"])
        wait_for(lambda: accepts(self.port) or p.poll() is not None, 10, "the link to listen")
        assert p.poll() is None, "socat exited: " + self.fleet.log("link")

    def cut(self):
        self.fleet.kill("link")  # its process group: the listener and every relayed connection


class Watcher:
    """Mosquitto's own subscriber on one broker with the office's certificate: every message
    on `topics` with the moment it arrived (line-buffered through stdbuf)."""

    def __init__(self, fleet, name, port, topics):
        ca = fleet.ca
        argv = ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "--cafile", f"{ca}/ca.pem",
                "--cert", f"{ca}/office.pem", "--key", f"{ca}/office.key", "--tls-version", "tlsv1.2",
                "-i", f"test-watch-{name}", "-q", "1", "-v"]
        for t in topics:
            argv += ["-t", t]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        fleet.procs.append((f"watch-{name}", self.proc))
        self.seen, self.lock = [], threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            at = time.monotonic()
            topic, _, payload = line.decode("utf-8", "replace").rstrip("\n").partition(" ")
            with self.lock:
                self.seen.append((at, topic, payload))

    def messages(self, topic_end="", since=0.0):
        with self.lock:
            return [(at, t, p) for at, t, p in self.seen if at >= since and t.endswith(topic_end)]


def gen_of_document(payload):
    try:
        return json.loads(base64.b64decode(json.loads(payload)["payload"]))["gen"]
    except (ValueError, KeyError):
        return None


def acks(watcher, screen, topic, gen):
    """The outcomes of `screen`'s acks of the document at `topic` of generation `gen`, in
    order (a copy refused as replayed has no generation in its ack: its topic names it)."""
    out = []
    for _at, _t, p in watcher.messages(f"screen/{screen}/ack"):
        try:
            a = json.loads(p)
        except ValueError:
            continue
        if a.get("topic") == topic and a.get("gen", gen) == gen:
            out.append(a.get("outcome"))
    return out


def start_hall_broker(fleet, source, link_port):
    """The hall's broker: the shipped ACL, its own certificate on its listener and as its
    bridge's client certificate, and the shipped bridge.conf pointed at the link."""
    fleet._ca("hall", HALL, "127.0.0.1")
    d = os.path.join(fleet.dir, "hall-broker")
    os.makedirs(os.path.join(d, "db"))
    port = free_port()
    with open(os.path.join(source, "config/fleet/bridge.conf")) as f:
        bridge = f.read()
    for old, new in (("city-broker.example.gov.cn:8883", f"127.0.0.1:{link_port}"),
                     ("/etc/mosquitto/kiosk/ca.pem", f"{fleet.ca}/ca.pem"),
                     ("/etc/mosquitto/kiosk/hall.pem", f"{fleet.ca}/{HALL}.pem"),
                     ("/etc/mosquitto/kiosk/hall.key", f"{fleet.ca}/{HALL}.key")):
        assert old in bridge, f"config/fleet/bridge.conf no longer has {old}"
        bridge = bridge.replace(old, new)
    import pwd
    conf = os.path.join(d, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("per_listener_settings false\npersistence true\nautosave_on_changes true\nautosave_interval 100\n"
                f"persistence_location {d}/db/\nallow_anonymous false\nmax_packet_size 2000000\n"
                "set_tcp_nodelay true\nmax_queued_messages 100000\n"
                f"user {pwd.getpwuid(os.getuid()).pw_name}\nacl_file {source}/config/fleet/acl\n"
                f"log_dest file {d}/mosquitto.log\nlog_type error\nlog_type warning\nlog_type notice\n"
                f"listener {port} 127.0.0.1\n"
                f"cafile {fleet.ca}/ca.pem\ncertfile {fleet.ca}/{HALL}.pem\nkeyfile {fleet.ca}/{HALL}.key\n"
                "require_certificate true\nuse_identity_as_username true\ntls_version tlsv1.2\n\n" + bridge)
    p = fleet.start("mosquitto-hall", ["/usr/sbin/mosquitto", "-c", conf])
    wait_for(lambda: accepts(port) or p.poll() is not None, 20, "the hall's mosquitto to listen")
    assert p.poll() is None, "the hall's mosquitto exited: " + open(os.path.join(d, "mosquitto.log")).read()[-3000:]
    return port, os.path.join(d, "mosquitto.log")


def start_hall_screen(fleet, name, hall_port):
    """A headless kiosk of the hall (one-second pages), connected to the hall's broker."""
    fleet._ca("client", name)
    d = os.path.join(fleet.dir, name)
    os.makedirs(d)
    with open(os.path.join(d, "a.txt"), "w") as f:
        f.write("甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n")
    section = fleet.fleet_section(name, ["hall/zwzx", "floor/1"])
    section["port"] = hall_port
    fleet.write_json(os.path.join(d, "playlist.json"), {"version": 1, "items": [
        {"id": "local-a", "title": "甲项目", "source": "file:a.txt"}]})
    fleet.write_json(os.path.join(d, "kiosk.json"), {
        "version": 1, "hall_name": "测试政务服务中心", "page_seconds": 1, "screen": {"width": 960, "height": 540},
        "network": {"allowed_hosts": ["127.0.0.1"]},
        "paths": {"runtime": f"{d}/run", "state": f"{d}/state", "cache": f"{d}/cache"},
        "playlist": "playlist.json", "fleet": section})
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    fleet.start(name, [fleet.kiosk, "run", "--config", os.path.join(d, "kiosk.json"), "--windowed=960x540"], env)


def mosquitto_pub(fleet, port, cert, topic, message):
    """One MQTT 5 publish (QoS 1) with `cert`'s certificate; the broker's answer as printed."""
    out = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile", f"{fleet.ca}/ca.pem",
                          "--cert", f"{fleet.ca}/{cert}.pem", "--key", f"{fleet.ca}/{cert}.key", "--tls-version", "tlsv1.2",
                          "-V", "5", "-q", "1", "-i", f"test-pub-{time.monotonic_ns()}", "-t", topic, "-m", message],
                         capture_output=True, text=True, timeout=30)
    return out.returncode, out.stdout + out.stderr


def screen_log_pages(fleet, screen):
    """Pages in the screen's own proof-of-play log (every page it showed)."""
    with open(os.path.join(fleet.dir, screen, "state", "proof-of-play.log")) as f:
        return sum(1 for line in f if line.strip())


def console_pages(fleet, screen):
    """Pages the console has filed for `screen` (each play counted once, by its id)."""
    with sqlite3.connect(f"file:{fleet.dir}/console/console.db?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT COUNT(*) FROM plays_seen WHERE id LIKE ?", (screen + "-%",)).fetchone()[0]


def notices_on(fleet, screen):
    try:
        return set(fleet.screen_status(screen)["fleet"]["notices"])
    except (OSError, KeyError, ValueError):
        return set()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))]


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    cut_seconds, rounds = arg("--cut", 20.0), arg("--rounds", 20)
    started = time.monotonic()
    fleet = Fleet(build, source, acl=os.path.join(source, "config/fleet/city-acl"), keep="--keep" in sys.argv)
    ok = False
    try:
        link = Link(fleet, fleet.broker_port)
        hall_port, hall_log = start_hall_broker(fleet, source, link.port)
        city = Watcher(fleet, "city", fleet.broker_port, ["kiosk/v1/bridge/#", "kiosk/v1/screen/#", "kiosk/v1/desired/#"])
        hall = Watcher(fleet, "hall", hall_port, ["kiosk/v1/screen/#", "kiosk/v1/desired/#"])
        fleet.adduser("wang", "admin", "wang-password-1")
        fleet.start_console()
        clerk = Clerk(fleet.url)
        clerk.login("wang", "wang-password-1")
        # Connected before the screens start: every play they file is the console's to count.
        wait_for(lambda: clerk.get("/api/me")["broker"], 30, "the console to reach the city broker")
        for name in SCREENS:
            start_hall_screen(fleet, name, hall_port)
        until = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + (8 + 4) * 3600))  # the office's zone: UTC+8

        step("the bridge up: the city sees the link and both screens online through it")
        wait_for(lambda: [p for _a, _t, p in city.messages(f"bridge/{HALL}/state")][-1:] == ["1"], 30, "the link's state 1")

        def console_screens():
            return {s["id"]: s for s in clerk.get("/api/screens")["screens"]}
        wait_for(lambda: all(console_screens().get(n, {}).get("state") == "online" for n in SCREENS), 30,
                 "both screens online in the console")

        step("the city broker's ACL: the hall's certificate writes its own screens, not desired state nor another hall's")
        marker = f"probe-{time.time_ns()}"
        for topic in ("kiosk/v1/desired/all/notice/forged", "kiosk/v1/screen/kfq-1f-01/status"):
            rc, said = mosquitto_pub(fleet, fleet.broker_port, HALL, topic, marker)
            assert "not authorized" in said.lower(), (topic, rc, said)
        rc, said = mosquitto_pub(fleet, fleet.broker_port, HALL, f"kiosk/v1/screen/{SCREENS[0]}/probe", marker)
        assert rc == 0 and "not authorized" not in said.lower(), said
        wait_for(lambda: city.messages(f"screen/{SCREENS[0]}/probe"), 10, "the allowed probe at the office")
        assert not [m for m in city.messages() if m[2] == marker and "probe" not in m[1]], "a forbidden publish got through"
        print("   desired/… and kfq-1f-01: Not authorized; zwzx-1f-01: delivered")

        step("a notice and a playlist from the console reach the hall's screens; acks, status, plays come back")
        notice = clerk.post("/api/notices", {"text": "桥接测试通知：大厅今天正常办理业务。", "until": until,
                                             "scopes": [GROUP], "mode": "turn"})

        def shown(receipt_ids):
            r = clerk.get("/api/receipts?ids=" + ",".join(str(i) for i in receipt_ids))
            return all(len(x["lines"]) == len(SCREENS) and all(li["state"] == "shown" for li in x["lines"]) for x in r)
        wait_for(lambda: shown(notice["receipts"]), 20, "the notice's receipt: 已显示 on both screens")
        playlist = {"version": 1, "items": [
            {"id": "guide", "title": "办事指南", "text": "办事指南\n一、携带身份证件。\n二、在取号机取号。\n三、等候叫号。"},
            {"id": "hours", "title": "办公时间", "text": "办公时间\n周一至周五 9:00—17:00。"}]}
        published = clerk.post("/api/playlist", {"scope": GROUP, "playlist": playlist})
        wait_for(lambda: shown(published["receipts"]), 20, "the playlist's receipt: 已显示 on both screens")

        def city_status(name):
            with sqlite3.connect(f"file:{fleet.dir}/console/console.db?mode=ro", uri=True, timeout=10) as db:
                row = db.execute("SELECT status FROM screens WHERE id = ?", (name,)).fetchone()
            return json.loads(row[0]) if row and row[0] else {}
        wait_for(lambda: all(city_status(n).get("current", {}).get("item") in ("guide", "hours") for n in SCREENS), 20,
                 "the console's status of both screens: the published playlist playing")
        wait_for(lambda: all(console_pages(fleet, n) >= 3 for n in SCREENS), 20, "plays filed at the console")
        print(f"   notice and playlist 已显示 on both; the console has {[console_pages(fleet, n) for n in SCREENS]} pages")

        step(f"the latency the bridge adds: {rounds} refreshes each way, interleaved (kiosk fleet refresh)")
        hall_office = os.path.join(fleet.dir, "office-hall.json")
        with open(fleet.office_json) as f:
            cfg = json.load(f)
        cfg["fleet"]["port"] = hall_port
        cfg["paths"] = {k: v.replace("/office/", "/office-hall/") for k, v in cfg["paths"].items()}
        fleet.write_json(hall_office, cfg)
        topic = f"desired/screen/{SCREENS[0]}/refresh"
        trips = {"city": [], "hall": []}
        for _ in range(rounds):
            for side, watcher, config in (("city", city, fleet.office_json), ("hall", hall, hall_office)):
                before = time.monotonic()
                subprocess.run([fleet.kiosk, "fleet", "refresh", "--to", f"screen/{SCREENS[0]}", "--config", config],
                               check=True, capture_output=True, timeout=30)
                doc = wait_for(lambda: watcher.messages(topic, before), 10, f"the refresh on the {side} broker")[-1]
                gen = gen_of_document(doc[2])

                def ack():
                    for at, _t, p in watcher.messages(f"screen/{SCREENS[0]}/ack", before):
                        if json.loads(p).get("gen") == gen:
                            return at
                ack_at = wait_for(ack, 10, f"the ack of {gen} on the {side} broker")
                trips[side].append((ack_at - doc[0]) * 1000)
        c50, c99, h50, h99 = pct(trips["city"], .5), pct(trips["city"], .99), pct(trips["hall"], .5), pct(trips["hall"], .99)
        print(f"   publish -> ack through the bridge (office on the city broker): p50 {c50:.1f} ms, p99 {c99:.1f} ms")
        print(f"   publish -> ack on the hall's broker alone:                    p50 {h50:.1f} ms, p99 {h99:.1f} ms")
        print(f"   the bridge adds: p50 {c50 - h50:.1f} ms, p99 {c99 - h99:.1f} ms (both hops, through the test's relay)")
        assert c50 < 1000, "publish -> ack through the bridge took over a second"

        step(f"the link cut for {cut_seconds:.0f} s: the screens play on, filing on the hall's broker only")
        pages_before = {n: fleet.screen_status(n)["pages_shown"] for n in SCREENS}
        cut_at = time.monotonic()
        link.cut()
        wait_for(lambda: [p for _a, _t, p in city.messages(f"bridge/{HALL}/state", cut_at)][-1:] == ["0"], 30,
                 "the city to see the link down (the bridge's last will)")
        # From the last will on nothing can cross; a status already on its way through the relay
        # when the cut began may still land before it (a race of the test's, not a leak).
        down_at = [a for a, _t, p in city.messages(f"bridge/{HALL}/state", cut_at) if p == "0"][-1]
        during = clerk.post("/api/notices", {"text": "断线期间发布的通知：明天上午停电检修。", "until": until,
                                             "scopes": [GROUP], "mode": "turn"})
        during_item = f"notice/{during['id']}@{GROUP}"
        during_topic = f"kiosk/v1/desired/{GROUP}/notice/{during['id']}"
        during_gen = gen_of_document(wait_for(lambda: city.messages("/notice/" + during["id"], cut_at), 10,
                                              "the notice on the city broker")[-1][2])
        time.sleep(max(0.0, cut_at + cut_seconds - time.monotonic()))  # the cut's length is the point here
        cut_until = time.monotonic()
        hall_statuses = [m for m in hall.messages("/status", cut_at) if m[0] < cut_until]
        city_statuses = [m for m in city.messages("/status", down_at)]
        for n in SCREENS:
            turned = fleet.screen_status(n)["pages_shown"] - pages_before[n]
            assert turned >= cut_seconds * 0.6, f"{n} turned {turned} pages in {cut_seconds} s of cut"
            assert during_item not in notices_on(fleet, n), f"{n} shows the notice while the link is cut"
        assert len(hall_statuses) >= len(SCREENS) * 3, f"only {len(hall_statuses)} statuses on the hall's broker"
        assert not city_statuses, f"{len(city_statuses)} statuses reached the city through a cut link"
        logged_during = {n: screen_log_pages(fleet, n) - console_pages(fleet, n) for n in SCREENS}
        assert all(v >= cut_seconds * 0.5 for v in logged_during.values()), logged_during
        print(f"   pages turned: {[fleet.screen_status(n)['pages_shown'] - pages_before[n] for n in SCREENS]}; "
              f"{len(hall_statuses)} statuses on the hall's broker, none at the city; plays waiting: {logged_during}")

        step("the link back: everything filed during the cut reaches the city, the notice shows once")
        link.restore()
        back_at = time.monotonic()
        wait_for(lambda: [p for _a, _t, p in city.messages(f"bridge/{HALL}/state", back_at)][-1:] == ["1"], 120,
                 "the bridge to reconnect")
        reconnected = time.monotonic() - back_at
        wait_for(lambda: shown(during["receipts"]), 30, "the notice posted during the cut: 已显示 on both screens")
        wait_for(lambda: all(during_item in notices_on(fleet, n) for n in SCREENS), 10, "the notice on both screens")
        caught_up = time.monotonic() - back_at
        city_payloads = {p for _a, _t, p in city.messages("/status", back_at)}
        missing = [p for _a, _t, p in hall_statuses if p not in city_payloads]
        assert not missing, f"{len(missing)} of {len(hall_statuses)} statuses filed during the cut never reached the city"
        wait_for(lambda: all(console_pages(fleet, n) >= screen_log_pages(fleet, n) - 1 for n in SCREENS), 30,
                 "the console to have every play the screens logged")
        # Once more after a quiet moment: every play counted once (ids), none missing, none twice.
        for n in SCREENS:
            wait_for(lambda: console_pages(fleet, n) == screen_log_pages(fleet, n), 10, f"{n}: the console's plays = its log")
        for n in SCREENS:
            on_hall = acks(hall, n, during_topic, during_gen)
            on_city = acks(city, n, during_topic, during_gen)
            assert on_hall.count("shown") == 1 and on_city.count("shown") == 1, (n, on_hall, on_city)
            assert set(on_hall) <= {"shown", "replayed"}, on_hall
        print(f"   bridge back {reconnected:.1f} s after the link, all caught up after {caught_up:.1f} s; "
              f"{len(hall_statuses)} statuses of the cut at the city; the notice shown once on each "
              f"(acks on the hall's broker: {[acks(hall, n, during_topic, during_gen) for n in SCREENS]}); "
              f"plays: console = screens' logs = {[console_pages(fleet, n) for n in SCREENS]}")
        ok = True
        print(f"PASS in {time.monotonic() - started:.0f} s")
    finally:
        if not ok:
            for name in ("console", "mosquitto", *SCREENS):
                print(f"--- {name}.log\n{fleet.log(name)}")
            try:
                print("--- hall mosquitto.log\n" + open(hall_log).read()[-4000:])
            except (OSError, NameError):
                pass
            fleet.keep = True
            print("kept: " + fleet.dir)
        fleet.close()
        if ok and not fleet.keep:
            shutil.rmtree(fleet.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
