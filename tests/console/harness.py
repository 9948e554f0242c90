"""A whole fleet on loopback for the console's browser tests and benchmark: a real
Mosquitto broker (TLS client certificates, the project's ACL), the office's signing key,
kiosk-console, and headless kiosks in their groups. Every process is started here and
stopped by close()."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import urllib.error


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds, what):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # not there yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def accepts(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Fleet:
    def __init__(self, build, source, acl=None, keep=False):
        self.build, self.source = build, source
        self.dir = tempfile.mkdtemp(prefix="kiosk-console-test-")
        self.keep = keep
        self.procs = []
        self.ca = os.path.join(self.dir, "ca")
        self._ca("init")
        self._ca("server", "127.0.0.1")
        self._ca("client", "office")
        self.broker_port = free_port()
        db = os.path.join(self.dir, "mosquitto-db")
        os.makedirs(db)
        conf = self.broker_conf = os.path.join(self.dir, "mosquitto.conf")
        user = os.environ.get("USER") or "root"
        import pwd
        user = pwd.getpwuid(os.getuid()).pw_name
        with open(conf, "w") as f:
            f.write(
                "per_listener_settings false\npersistence true\nautosave_on_changes true\nautosave_interval 100\n"
                f"persistence_location {db}/\nallow_anonymous false\nmax_packet_size 2000000\n"
                "set_tcp_nodelay true\nmax_queued_messages 100000\n"
                f"user {user}\nacl_file {acl or os.path.join(source, 'config/fleet/acl')}\n"
                f"log_dest file {self.dir}/mosquitto.log\nlog_type error\nlog_type warning\n"
                f"listener {self.broker_port} 127.0.0.1\n"
                f"cafile {self.ca}/ca.pem\ncertfile {self.ca}/server.pem\nkeyfile {self.ca}/server.key\n"
                "require_certificate true\nuse_identity_as_username true\ntls_version tlsv1.2\n")
        self.start_broker()
        # The office's signing key: the console refuses a key file anyone else may read.
        key = os.path.join(self.dir, "office.key")
        out = subprocess.run([self.kiosk, "fleet", "keygen", "--out", key, "--kid", "office-test"],
                             check=True, capture_output=True, text=True).stdout
        self.public_key = out.strip().split(": ")[1].strip('"')
        self.office_json = os.path.join(self.dir, "office.json")
        self.write_json(self.office_json, {
            "version": 1, "hall_name": "测试政务服务中心", "time_zone": "Asia/Shanghai",
            "network": {"allowed_hosts": ["127.0.0.1"]},
            "paths": {"runtime": f"{self.dir}/office/run", "state": f"{self.dir}/office/state",
                      "cache": f"{self.dir}/office/cache"},
            "playlist": "office-playlist.json",
            "fleet": self.fleet_section("office", [], signing=True)})
        self.write_json(os.path.join(self.dir, "office-playlist.json"), {"version": 1, "items": []})
        self.console_port = free_port()
        self.console_json = os.path.join(self.dir, "console.json")
        self.write_json(self.console_json, {
            "listen": f"127.0.0.1:{self.console_port}", "database": "console/console.db",
            "office_config": "office.json", "kiosk": os.path.join(build, "kiosk"),
            "assets": os.path.join(source, "assets/console"),
            "preview_sizes": ["960x540", "540x960"]})
        self.url = f"http://127.0.0.1:{self.console_port}"

    def start_broker(self):
        p = self.start("mosquitto", ["/usr/sbin/mosquitto", "-c", self.broker_conf])
        wait_for(lambda: accepts(self.broker_port) or p.poll() is not None, 20, "mosquitto to listen")
        if p.poll() is not None:
            raise AssertionError("mosquitto exited: " + self.log("mosquitto"))
        return p

    def kill(self, name):
        """SIGKILL to the running process `name`: no clean-up, as a power cut or the OOM killer."""
        for n, p in reversed(self.procs):
            if n == name and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                return
        raise KeyError(name)

    def retained_desired(self):
        """The documents the broker holds retained under kiosk/v1/desired/# (topic -> payload),
        read with the office's certificate by Mosquitto's own client."""
        out = subprocess.run(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.broker_port), "--cafile", f"{self.ca}/ca.pem",
             "--cert", f"{self.ca}/office.pem", "--key", f"{self.ca}/office.key", "--tls-version", "tlsv1.2",
             "-i", f"test-reader-{os.getpid()}", "-t", "kiosk/v1/desired/#", "-v", "--retained-only", "-W", "2"],
            capture_output=True, text=True, timeout=30)
        found = {}
        for line in out.stdout.splitlines():
            topic, _, payload = line.partition(" ")
            if topic:
                found[topic] = payload
        return found

    @property
    def kiosk(self):
        return os.path.join(self.build, "kiosk")

    @property
    def console_bin(self):
        return os.path.join(self.build, "kiosk-console")

    def _ca(self, *args):
        subprocess.run([os.path.join(self.source, "scripts/fleet-ca.sh"), self.ca, *args], check=True,
                       stdout=subprocess.DEVNULL)

    def fleet_section(self, name, groups, signing=False):
        f = {"screen_id": name, "groups": groups, "host": "127.0.0.1", "port": self.broker_port,
             "keepalive": 5, "ca_file": f"{self.ca}/ca.pem", "cert_file": f"{self.ca}/{name}.pem",
             "key_file": f"{self.ca}/{name}.key", "trusted_keys": {"office-test": self.public_key}}
        if signing:
            f["signing_key"] = os.path.join(self.dir, "office.key")
            f["signing_kid"] = "office-test"
        return f

    @staticmethod
    def write_json(path, value):
        with open(path, "w") as f:
            json.dump(value, f, ensure_ascii=False, indent=2)

    def start(self, name, argv, env=None):
        log = open(os.path.join(self.dir, f"{name}.log"), "ab")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.dir,
                             start_new_session=True)
        self.procs.append((name, p))
        return p

    def adduser(self, name, role, password):
        subprocess.run([self.console_bin, "adduser", name, "--role", role, "--config", self.console_json],
                       input=password + "\n", text=True, check=True, capture_output=True)

    def start_console(self, env_extra=None):
        env = dict(os.environ, **(env_extra or {}))
        p = self.start("console", [self.console_bin, "--config", self.console_json], env)
        wait_for(lambda: accepts(self.console_port) or p.poll() is not None, 20, "the console to listen")
        if p.poll() is not None:
            raise AssertionError("kiosk-console exited: " + self.log("console"))
        return p

    def start_screen(self, name, groups, page_seconds=3, size=(960, 540), allowed_hosts=("127.0.0.1",)):
        self._ca("client", name)
        d = os.path.join(self.dir, name)
        os.makedirs(d)
        with open(os.path.join(d, "a.txt"), "w") as f:
            f.write("甲项目\n这是甲项目的正文，一段足够长的文字，用来占满至少一行的宽度。\n")
        with open(os.path.join(d, "b.txt"), "w") as f:
            f.write("乙项目\n这是乙项目的正文。\n")
        self.write_json(os.path.join(d, "playlist.json"), {"version": 1, "items": [
            {"id": "local-a", "title": "甲项目", "source": "file:a.txt"}]})
        self.write_json(os.path.join(d, "kiosk.json"), {
            "version": 1, "hall_name": "测试政务服务中心", "page_seconds": page_seconds,
            "screen": {"width": size[0], "height": size[1]},
            "network": {"allowed_hosts": list(allowed_hosts)},
            "paths": {"runtime": f"{d}/run", "state": f"{d}/state", "cache": f"{d}/cache"},
            "playlist": "playlist.json", "fleet": self.fleet_section(name, groups)})
        env = dict(os.environ, SDL_VIDEODRIVER="dummy")
        return self.start(name, [self.kiosk, "run", "--config", os.path.join(d, "kiosk.json"),
                                 f"--windowed={size[0]}x{size[1]}"], env)

    def restart_screen(self, name, size=(960, 540)):
        """A screen stopped before started again, with its kiosk.json and state as it left them."""
        d = os.path.join(self.dir, name)
        env = dict(os.environ, SDL_VIDEODRIVER="dummy")
        return self.start(name, [self.kiosk, "run", "--config", os.path.join(d, "kiosk.json"),
                                 f"--windowed={size[0]}x{size[1]}"], env)

    def screen_status(self, name):
        """The screen's own status file (what it also sends to the broker)."""
        with open(os.path.join(self.dir, name, "run", "status.json")) as f:
            return json.load(f)

    def log(self, name):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self, name):
        """SIGTERM to one process; its exit status (0: it stopped cleanly, and under the
        sanitizers found no error or leak on the way out). The newest process of that name:
        a killed one may have been started again."""
        for n, p in reversed(self.procs):
            if n == name:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
                return p.wait(timeout=20)
        raise KeyError(name)

    def close(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for name, p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if not self.keep:
            subprocess.run(["rm", "-rf", self.dir])


class Http:
    """A plain HTTP client with the console's cookie (for what a browser would not send)."""

    def __init__(self, base):
        self.base, self.cookie, self.csrf = base, "", ""

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        h = {"Content-Type": "application/json"}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                if r.headers.get("Set-Cookie"):
                    self.cookie = r.headers["Set-Cookie"].split(";")[0]
                raw = r.read()
                return r.status, raw, r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def login(self, name, password):
        status, raw, _ = self.request("POST", "/api/login", {"name": name, "password": password})
        assert status == 200, (status, raw)
        self.csrf = json.loads(raw)["csrf"]
