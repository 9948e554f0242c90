#!/usr/bin/python3
"""kiosk-console's front door under flood, over loopback (a real console and broker): each
break measured before the door (bench/flood_console.py) reproduced, and its bound asserted.

  memory   3 MB `[{},{},…]` bodies to /api/login, one and eight at once: 413 before the body
           is read, peak RSS (VmHWM) under 48 MiB; eight 3 MB uploads at once: under 160 MiB
  slow     24 sockets sending a header line every 2 s (more than the door's workers, three
           times httplib's pool): a login answers within 1 s meanwhile, and the door closes
           each of them by its head deadline
  flood    50 threads of wrong logins from one address for 10 s: 429 at once with the Chinese
           message, at most 15 hashes, /api/screens from another address p99 under 500 ms, and a
           clerk at a third address can still log in
  host     Host: evil.example (DNS rebinding): 421 and no cookie; the configured name, an IP
           address and localhost are served
  extract  8 parallel extracts of a page that waits: two reach it, six are 503 at once, and
           /api/screens stays fast while two hold

Figures hold with two busy processes beside the test (`yes >/dev/null &` twice). Under
AddressSanitizer (scripts/build.sh --sanitize) memory figures are not checked (ASan's
shadow memory is not the console's) and time figures are three times as wide.

    /usr/bin/python3 tests/console/test_console_front_door.py BUILD_DIR SOURCE_DIR"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, wait_for  # noqa: E402
import flood  # noqa: E402

PASSWORD = "admin-pass-2026"
MIB = 1024
SANITIZED = False  # set by main(): the console was built with ASan
SLOW = 1.0         # time figures' factor: 3 under ASan


def peak_under(console, mib):
    hwm = flood.proc_status_kib(console.pid, "VmHWM")
    print(f"   peak RSS {hwm / MIB:.1f} MiB" + (" (ASan: not checked)" if SANITIZED else f" (at most {mib} MiB)"))
    assert SANITIZED or hwm < mib * MIB, hwm


def step(text):
    print("== " + text, flush=True)


def error_of(raw):
    return json.loads(raw)["error"]


def parallel(count, fn):
    results = [None] * count

    def one(i):
        results[i] = fn(i)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def memory(fleet, console):
    port = fleet.console_port
    step("memory: a 3 MB [{},{},…] login body is refused (413) before it is read; 8 at once too")
    body = flood.empty_objects(3 << 20)
    status, _, raw = flood.request(port, "POST", "/api/login", body)
    assert status == 413 and error_of(raw) == "登录请求太大，请刷新页面后重新登录", (status, raw[:200])
    answers = parallel(8, lambda i: flood.request(port, "POST", "/api/login", body, timeout=60))
    assert all(a[0] == 413 for a in answers), [a[0] for a in answers]
    peak_under(console, 48)  # before the door: 116 MiB for one, 759 MiB for eight

    step("memory: a body within the route's bytes but past its JSON values is refused (413), unparsed")
    clerk = flood.Clerk(port, "wang", PASSWORD)
    status, _, raw = clerk.call("POST", "/api/playlist/check", flood.empty_objects(250 << 10))
    assert status == 413 and "条目太多" in error_of(raw), (status, raw[:200])
    status, _, raw = clerk.call("POST", "/api/notices", b'{"text":"' + b"x" * (70 << 10) + b'"}')
    assert status == 413 and "最多 64 KB" in error_of(raw), (status, raw[:200])

    step("memory: eight 3 MB uploads at once: what the budget takes is read, the rest is 503 at once")
    boundary = "front-door-boundary"
    upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
              f"Content-Type: text/plain\r\n\r\n").encode() + "字".encode() * 990_000 + f"\r\n--{boundary}--\r\n".encode()
    assert len(upload) < 3 << 20
    answers = parallel(8, lambda i: clerk.call("POST", "/api/upload", upload, timeout=60,
                                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}))
    statuses = sorted(a[0] for a in answers)
    print(f"   uploads answered {statuses}")
    assert set(statuses) <= {413, 503} and 413 in statuses, statuses  # 413: the file is over 2 MB
    peak_under(console, 160)


def slow(fleet):
    port = fleet.console_port
    step("slow: 24 sockets trickling a header line every 2 s; a login answers within 1 s meanwhile")
    with flood.SlowSockets(port, 24, every=2.0) as sockets:
        wait_for(lambda: sockets.lines >= 48, 20, "every slow socket to send two header lines")
        for _ in range(5):
            start = time.monotonic()
            status, _, raw = flood.request(port, "POST", "/api/login", {"name": "wang", "password": PASSWORD}, timeout=10)
            took = time.monotonic() - start
            assert status == 200 and took < 1.0 * SLOW, (status, took, raw[:200])
            start = time.monotonic()
            status, _, _ = flood.request(port, "GET", "/login", timeout=10)
            assert status == 200 and time.monotonic() - start < 1.0 * SLOW, (status, time.monotonic() - start)
        # The head's deadline (10 s from the connection) closes each of them.
        wait_for(lambda: sockets.closed >= 24, 40, "the door to close every slow socket")
        print(f"   logins within 1 s; the door closed slow sockets {sockets.closed} times")


def flood_logins(fleet):
    port = fleet.console_port
    step("flood: 50 threads of wrong logins for 10 s; /api/screens from another address stays fast")
    clerk = flood.Clerk(port, "wang", PASSWORD)
    sampler = flood.Sampler(clerk)
    with flood.WrongLogins(port, 50) as logins:
        wait_for(lambda: logins.statuses.get(429, 0) >= 200, 30, "the flood to be refused")
        sampler.start()
        time.sleep(10)  # the flood's length: what is measured is the sampler's answers
        # A clerk at a third address logs in meanwhile (two logins may be checked at once:
        # she is asked to try again in a few seconds, and does).
        def third_clerk():
            for _ in range(5):
                status, _, raw = flood.request(port, "POST", "/api/login", {"name": "wang", "password": PASSWORD},
                                               timeout=10, source="127.0.0.3")
                if status != 503:
                    return status, raw
                time.sleep(2)
            return status, raw
        status, raw = third_clerk()
        sampler.stop()
        statuses, reasons = dict(logins.statuses), dict(logins.reasons)
    assert status == 200, (status, raw)
    s = flood.summary(sampler.times)
    print(f"   /api/screens n={s['n']} median {s['median'] * 1000:.1f} ms p99 {s['p99'] * 1000:.1f} ms; logins {statuses}")
    assert all(st == 200 for st in sampler.statuses), sampler.statuses
    assert s["n"] >= 10 and s["p99"] < 0.5 * SLOW, s
    # Hashes: the address's ten tries and one every 6 s (the 401s); every other answer a refusal.
    assert statuses.get(401, 0) <= 15, statuses
    assert reasons.get((429, "登录太频繁，请过一分钟再试"), 0) > 1000, reasons
    status, headers, raw = flood.request(port, "POST", "/api/login", {"name": "x", "password": "wrong-password"})
    assert status == 429 and int(headers["retry-after"]) >= 1, (status, headers)


def host(fleet):
    port = fleet.console_port
    step("host: a page on another name (DNS rebinding) is refused: 421, no cookie")
    status, headers, raw = flood.request(port, "POST", "/api/login", {"name": "wang", "password": PASSWORD},
                                         {"Host": "evil.example", "Origin": "http://evil.example"})
    assert status == 421 and "set-cookie" not in headers, (status, headers)
    assert "hosts" in error_of(raw) and "管理员" in error_of(raw), raw
    status, headers, raw = flood.request(port, "GET", "/login", headers={"Host": f"evil.example:{port}"})
    assert status == 421 and headers["content-type"].startswith("text/plain") and "请用管理员给你的网址" in raw.decode(), (status, raw)
    for name in (f"console.hall.test:{port}", "CONSOLE.HALL.TEST", f"localhost:{port}", "127.0.0.1", f"[::1]:{port}"):
        status, _, _ = flood.request(port, "GET", "/login", headers={"Host": name})
        assert status == 200, (name, status)
    status, headers, _ = flood.request(port, "POST", "/api/login", {"name": "wang", "password": PASSWORD},
                                       {"Host": f"console.hall.test:{port}", "Origin": f"http://console.hall.test:{port}"})
    assert status == 200 and "set-cookie" in headers, status


def extract(fleet):
    port = fleet.console_port
    step("extract: 8 parallel extracts of a page that waits; two reach it, six are 503 at once")
    portal = flood.SlowPortal(60)
    clerk = flood.Clerk(port, "wang", PASSWORD)
    answers = [None] * 8

    def one(i):
        start = time.monotonic()
        status, _, raw = clerk.call("POST", "/api/extract", {"url": portal.url}, timeout=90)
        answers[i] = (status, time.monotonic() - start, raw)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    try:
        for t in threads:
            t.start()
        wait_for(lambda: portal.started >= 2 and sum(1 for a in answers if a) >= 6, 20,
                 "two extracts at the page and six answered")
        refused = [a for a in answers if a]
        assert all(a[0] == 503 and a[1] < 2.0 * SLOW for a in refused), [(a[0], a[1]) for a in refused]
        assert error_of(refused[0][2]) == "正在读取别的网页，请过几秒再点“读取”", refused[0][2]
        times = []
        for _ in range(20):
            status, seconds = clerk.timed()
            assert status == 200, status
            times.append(seconds)
        s = flood.summary(times)
        print(f"   /api/screens while two extracts wait: median {s['median'] * 1000:.1f} ms max {s['max'] * 1000:.1f} ms")
        assert s["max"] < 0.5 * SLOW, s
        assert portal.started == 2, portal.started
    finally:
        portal.release.set()
        for t in threads:
            t.join()
        portal.close()
    held = [a for a in answers if a[0] != 503]
    assert [a[0] for a in held] == [200, 200], [(a[0], a[2][:100]) for a in held]


def main():
    global SANITIZED, SLOW
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    SANITIZED = "libasan" in subprocess.run(["ldd", os.path.join(build, "kiosk-console")], capture_output=True, text=True).stdout
    SLOW = 3.0 if SANITIZED else 1.0
    fleet = Fleet(build, source)
    try:
        with open(fleet.console_json) as f:
            settings = json.load(f)
        settings["hosts"] = ["console.hall.test"]
        Fleet.write_json(fleet.console_json, settings)
        fleet.adduser("wang", "admin", PASSWORD)
        console = fleet.start_console()
        memory(fleet, console)
        slow(fleet)
        host(fleet)
        extract(fleet)
        flood_logins(fleet)
        step("the console stops cleanly")
        assert fleet.stop("console") == 0, fleet.log("console")
        print("== all front door tests passed")
        return 0
    except Exception:
        print("--- console log\n" + fleet.log("console"))
        raise
    finally:
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
