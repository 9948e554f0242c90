"""What a flood of the console's front door is made of, shared by its test
(test_console_front_door.py) and its measurement (bench/flood_console.py): a process's
memory and CPU from /proc, raw requests (any Host, any body), slow sockets, parallel wrong
logins, a slow portal page on loopback and a clerk timing /api/screens beside all that."""
import http.client
import json
import os
import socket
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def proc_status_kib(pid, key):
    """VmHWM, VmRSS, … of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(port, method, path, body=None, headers=None, timeout=30, source=None):
    """One request on a fresh connection (from `source`, a 127.x address, when given: another
    machine, as the console counts addresses): (status, headers as a dict, body bytes); status
    0 and the error's name when the connection failed or was reset before an answer."""
    # (Bound only when asked: a socket bound before connect() cannot reuse the ports that
    # thousands of closed connections leave in TIME_WAIT, and a flood runs out of them.)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except (OSError, http.client.HTTPException) as e:
        return 0, {}, type(e).__name__.encode()
    finally:
        conn.close()


def empty_objects(size):
    """`[{},{},…]` of about `size` bytes: the cheapest bytes that cost a JSON parser most."""
    n = max(1, (size - 2) // 3)
    return b"[" + b",".join([b"{}"] * n) + b"]"


class Clerk:
    """A signed-in clerk on its own connections (the page's requests: cookie, CSRF token),
    from its own address (127.0.0.2: not the flood's)."""

    def __init__(self, port, name, password, source="127.0.0.2"):
        self.port, self.source = port, source
        status, headers, raw = request(port, "POST", "/api/login", {"name": name, "password": password}, source=source)
        assert status == 200, (status, raw)
        self.cookie = headers["set-cookie"].split(";")[0]
        self.csrf = json.loads(raw)["csrf"]

    def call(self, method, path, body=None, timeout=60, headers=None):
        h = {"Cookie": self.cookie, "X-CSRF-Token": self.csrf, "Origin": f"http://127.0.0.1:{self.port}"}
        h.update(headers or {})
        return request(self.port, method, path, body, h, timeout, self.source)

    def timed(self, path="/api/screens", timeout=60):
        start = time.monotonic()
        status, _, _ = self.call("GET", path, timeout=timeout)
        return status, time.monotonic() - start


class Sampler(threading.Thread):
    """A clerk asking for /api/screens one request after another until stopped; the
    seconds each took."""

    def __init__(self, clerk, path="/api/screens"):
        super().__init__(daemon=True)
        self.clerk, self.path = clerk, path
        self.times, self.statuses = [], []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            status, seconds = self.clerk.timed(self.path)
            self.statuses.append(status)
            self.times.append(seconds)
            self.halt.wait(0.05)

    def stop(self):
        self.halt.set()
        self.join()
        return self


def quantile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values):
    return {"n": len(values), "median": statistics.median(values) if values else float("nan"),
            "p99": quantile(values, 0.99), "max": max(values) if values else float("nan")}


class SlowSockets:
    """Slowloris: `count` connections that send a request line and then one header line
    every `every` seconds, never the blank line. Each reconnects when the server closes it.
    `lines` counts the header lines sent, `closed` the server's closings."""

    def __init__(self, port, count, every=9.0):
        self.port, self.count, self.every = port, count, every
        self.halt = threading.Event()
        self.closed = self.lines = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._one, args=(i,), daemon=True) for i in range(count)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.halt.set()
        for t in self.threads:
            t.join()

    def _one(self, i):
        while not self.halt.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                self.halt.wait(0.5)
                continue
            try:
                s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                n = 0
                while not self.halt.is_set():
                    # Closed by the server? A read that returns nothing (or fails) says so.
                    s.settimeout(self.every)
                    try:
                        if s.recv(4096) == b"":
                            break
                    except socket.timeout:
                        pass
                    s.sendall(f"X-Slow-{i}-{n}: x\r\n".encode())
                    n += 1
                    with self.lock:
                        self.lines += 1
            except OSError:
                pass
            finally:
                s.close()
            if not self.halt.is_set():
                with self.lock:
                    self.closed += 1


class WrongLogins:
    """`count` threads, each sending wrong logins one after another (a new name each time,
    so the per-account lock never stops them) until stopped; the answers' statuses."""

    def __init__(self, port, count):
        self.port = port
        self.halt = threading.Event()
        self.statuses, self.reasons = {}, {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._one, args=(i,), daemon=True) for i in range(count)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.halt.set()
        for t in self.threads:
            t.join()

    def _one(self, i):
        n = 0
        while not self.halt.is_set():
            status, _, raw = request(self.port, "POST", "/api/login", {"name": f"guess{i}-{n}", "password": "wrong-password"},
                                     timeout=60)
            n += 1
            try:
                why = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                why = raw.decode(errors="replace").strip()[:60]
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.reasons[(status, why)] = self.reasons.get((status, why), 0) + 1


class SlowPortal:
    """A portal page on 127.0.0.1 (an allowed host) that takes `seconds` to answer;
    `started` counts the requests it has begun to answer."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.started = 0
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.started += 1
                outer.release.wait(outer.seconds)
                page = ("<html><head><meta charset='utf-8'><title>慢网页</title></head><body><div class='TRS_Editor'>"
                        "<h1>慢网页</h1>" + "<p>这是一段正文，慢慢地送来。</p>" * 20 + "</div></body></html>").encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slow.html"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
