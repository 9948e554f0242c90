#!/usr/bin/python3
"""The console's front door under flood: five measurements, each on a fresh kiosk-console
over loopback (a real broker beside it, as in the tests), printed as figures.

  memory   a 3 MB `[{},{},…]` body to /api/login: the console's peak RSS (VmHWM); then 8 at
           once on a fresh console: peak, and what stays resident after
  slow     8 sockets sending one header line every 9 s for 30 s: how long GET /login and a
           login take meanwhile
  flood    50 threads of wrong logins for 20 s: the console's CPU, /api/screens' median and p99
  host     a right login with Host: evil.example and a matching Origin: status, cookie or not
  extract  8 parallel /api/extract of a page that takes 20 s: their answers, /api/screens meanwhile

    bench/flood_console.py BUILD_DIR SOURCE_DIR [memory,slow,flood,host,extract]

BUILD_DIR holds kiosk-console and kiosk (a copy of another build's two programs works: this
is how the figures before and after a change are taken side by side)."""
import json
import os
import sys
import threading
import time

SOURCE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE, "tests", "console"))
from harness import Fleet  # noqa: E402
import flood  # noqa: E402

PASSWORD = "admin-pass-2026"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def fresh(fleet):
    try:
        fleet.stop("console")
    except KeyError:
        pass
    return fleet.start_console()


def memory(fleet, out):
    p = fresh(fleet)
    body = flood.empty_objects(3 << 20)
    base = flood.proc_status_kib(p.pid, "VmRSS")
    start = time.monotonic()
    status, _, _ = flood.request(fleet.console_port, "POST", "/api/login", body)
    took = time.monotonic() - start
    hwm = flood.proc_status_kib(p.pid, "VmHWM")
    print(f"memory: one 3 MB body to /api/login -> {status} in {took:.2f} s; RSS before {mib(base)}, peak {mib(hwm)}")
    out["memory_one"] = {"status": status, "seconds": took, "rss_before_kib": base, "hwm_kib": hwm}

    p = fresh(fleet)
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(
        flood.request(fleet.console_port, "POST", "/api/login", body, timeout=120)[0])) for _ in range(8)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    hwm = flood.proc_status_kib(p.pid, "VmHWM")
    time.sleep(1)
    after = flood.proc_status_kib(p.pid, "VmRSS")
    print(f"memory: 8 at once -> {sorted(statuses)} in {took:.2f} s; peak {mib(hwm)}, resident after {mib(after)}")
    out["memory_eight"] = {"statuses": statuses, "seconds": took, "hwm_kib": hwm, "rss_after_kib": after}


def slow(fleet, out):
    fresh(fleet)
    port = fleet.console_port
    pages, logins = [], []
    with flood.SlowSockets(port, 8, every=9.0) as sockets:
        time.sleep(2)
        until = time.monotonic() + 30
        while time.monotonic() < until:
            start = time.monotonic()
            status, _, _ = flood.request(port, "GET", "/login", timeout=25)
            pages.append((status, time.monotonic() - start))
            start = time.monotonic()
            status, _, _ = flood.request(port, "POST", "/api/login", {"name": "wang", "password": PASSWORD}, timeout=25)
            logins.append((status, time.monotonic() - start))
            time.sleep(1)
        closed = sockets.closed
    for name, got in (("GET /login", pages), ("login", logins)):
        times = [s for _, s in got]
        late = sum(1 for st, s in got if st != 200 or s > 1.0)
        print(f"slow: 8 slow sockets, {name}: {len(got)} tries, median {flood.summary(times)['median']:.3f} s, "
              f"max {max(times):.2f} s, {late} failed or over 1 s; statuses {sorted(set(st for st, _ in got))}")
        out["slow_" + name.split()[-1].strip("/")] = {"summary": flood.summary(times), "late": late}
    print(f"slow: the server closed slow sockets {closed} times in 30 s")
    out["slow_closed"] = closed


def flood_logins(fleet, out):
    p = fresh(fleet)
    port = fleet.console_port
    clerk = flood.Clerk(port, "wang", PASSWORD)
    quiet = flood.Sampler(clerk)
    quiet.start()
    time.sleep(5)
    quiet.stop()
    sampler = flood.Sampler(clerk)
    with flood.WrongLogins(port, 50) as logins:
        time.sleep(1)
        cpu0, t0 = flood.cpu_seconds(p.pid), time.monotonic()
        sampler.start()
        time.sleep(20)
        sampler.stop()
        cpu = (flood.cpu_seconds(p.pid) - cpu0) / (time.monotonic() - t0)
        statuses = dict(logins.statuses)
        reasons = dict(logins.reasons)
    q, f = flood.summary(quiet.times), flood.summary(sampler.times)
    print(f"flood: /api/screens alone median {q['median'] * 1000:.1f} ms p99 {q['p99'] * 1000:.1f} ms")
    print(f"flood: 50 wrong-login threads, 20 s: console CPU {cpu * 100:.0f} % of a core; /api/screens n={f['n']} "
          f"median {f['median'] * 1000:.1f} ms p99 {f['p99'] * 1000:.1f} ms max {f['max'] * 1000:.1f} ms "
          f"({sum(1 for st in sampler.statuses if st != 200)} not 200); logins {statuses}")
    for (status, why), count in sorted(reasons.items(), key=lambda r: -r[1]):
        print(f"flood:   {count:6d} x {status} {why}")
    out["flood"] = {"cpu": cpu, "quiet": q, "screens": f, "logins": statuses}


def host(fleet, out):
    fresh(fleet)
    status, headers, raw = flood.request(fleet.console_port, "POST", "/api/login", {"name": "wang", "password": PASSWORD},
                                         {"Host": "evil.example", "Origin": "http://evil.example"})
    cookie = "set-cookie" in headers
    print(f"host: login with Host: evil.example -> {status}, cookie {'SET' if cookie else 'none'}: {raw.decode(errors='replace')[:80]}")
    out["host"] = {"status": status, "cookie": cookie}


def extract(fleet, out):
    fresh(fleet)
    port = fleet.console_port
    portal = flood.SlowPortal(20)
    clerk = flood.Clerk(port, "wang", PASSWORD)
    answers = []

    def one():
        start = time.monotonic()
        status, _, raw = clerk.call("POST", "/api/extract", {"url": portal.url}, timeout=120)
        answers.append((status, time.monotonic() - start))
    sampler = flood.Sampler(clerk)
    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    sampler.start()
    for t in threads:
        t.join()
    sampler.stop()
    portal.close()
    s = flood.summary(sampler.times)
    answers.sort(key=lambda a: a[1])
    print("extract: 8 parallel extracts of a 20 s page -> " + ", ".join(f"{st} in {sec:.1f} s" for st, sec in answers))
    print(f"extract: /api/screens meanwhile n={s['n']} median {s['median'] * 1000:.1f} ms p99 {s['p99'] * 1000:.1f} ms "
          f"max {s['max'] * 1000:.1f} ms ({sum(1 for st in sampler.statuses if st != 200)} not 200)")
    out["extract"] = {"answers": answers, "screens": s}


def main():
    build = os.path.abspath(sys.argv[1])
    chosen = (sys.argv[3] if len(sys.argv) > 3 else "memory,slow,flood,host,extract").split(",")
    fleet = Fleet(build, SOURCE)
    out = {}
    try:
        fleet.adduser("wang", "admin", PASSWORD)
        for name in chosen:
            {"memory": memory, "slow": slow, "flood": flood_logins, "host": host, "extract": extract}[name](fleet, out)
        print(json.dumps(out))
    finally:
        fleet.close()


if __name__ == "__main__":
    main()
