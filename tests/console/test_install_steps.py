#!/usr/bin/python3
"""Installed as IT would: docs/console.md's install steps (and docs/fleet.md's broker steps,
where the console's step names them) run word for word, in order, in a scratch root.

    test_install_steps.py BUILD SOURCE [--keep]

The commands are read from the docs themselves (the ```sh blocks between the
`install-steps` and `broker-steps` marks), so docs and test cannot drift. The packages are
`cmake --install`ed into the scratch root (DESTDIR) rather than built with cpack and
installed with apt: cpack is a second whole build (too slow to run twice in CI), and apt
would install onto this machine. What the console package's postinst does beyond copying
files (systemd-tmpfiles for the state folder) is run here from the installed tmpfiles.d
file. Then each documented line runs with the scratch paths substituted (/etc/kiosk-console
-> ROOT/etc/kiosk-console, …), the console's user replaced by the one running the test (no
system user is made), the broker's name by 127.0.0.1 and its port by a free one; the two
`systemctl` lines start the real broker from the installed configuration and the console
from its installed unit's ExecStart. Every line must succeed, the console must reach the
broker, and `wang` must log in over HTTP. On the way, each error IT can meet is provoked and
must name the file and the fix: the console started before init, adduser with the state
folder missing and not creatable (and as root over the console's folder), init over an
existing office.json, the signing key readable by others (or owned by another user).
Interactive init (answers typed on a terminal) is checked too. About 5 s."""
import grp
import json
import os
import pty
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Http, accepts, free_port, wait_for  # noqa: E402

build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
keep = "--keep" in sys.argv
me = pwd.getpwuid(os.getuid()).pw_name
my_group = grp.getgrgid(os.getgid()).gr_name
root_user = os.getuid() == 0
PASSWORD = "wang-first-password"


def prefix_of(build_dir):
    for line in open(os.path.join(build_dir, "CMakeCache.txt")):
        if line.startswith("CMAKE_INSTALL_PREFIX:PATH="):
            return line.split("=", 1)[1].strip()
    raise AssertionError("no CMAKE_INSTALL_PREFIX in the build's cache")


def steps(doc, mark):
    """The doc's ```sh blocks between its <!-- MARK: begin/end --> marks, in order: each a list
    of command lines; the mark <!-- install-steps: broker-steps --> as the string "broker-steps"."""
    text = open(os.path.join(source, doc), encoding="utf-8").read()
    part = text[text.index(f"<!-- {mark}: begin -->"):text.index(f"<!-- {mark}: end -->")]
    out = []
    for m in re.finditer(r"```sh\n(.*?)```|<!-- install-steps: (broker-steps) -->", part, re.S):
        if m.group(2):
            out.append(m.group(2))
        else:
            out.append([line.strip() for line in m.group(1).splitlines() if line.strip()])
    assert out, f"{doc}: no ```sh blocks between the {mark} marks"
    return out


prefix = prefix_of(build)
R = tempfile.mkdtemp(prefix="kiosk-install-")
os.chmod(R, 0o755)  # another user (nobody, below) must reach the installed programs
broker_port, console_port = free_port(), free_port()
procs = []


def subst(text):
    """The scratch root standing in for /, in one pass (so a replacement is never replaced again)."""
    pairs = {
        "sudo -u kiosk-console ": "",
        "-o kiosk-console -g kiosk-console": f"-o {me} -g {my_group}",
        "-g mosquitto ": f"-g {my_group} ",
        "kiosk-console init ": f"kiosk-console init --user {me} ",
        "/usr/share/": f"{R}{prefix}/share/",
        f"{prefix}/": f"{R}{prefix}/",
        "/etc/kiosk-console": f"{R}/etc/kiosk-console",
        "/var/lib/kiosk-console": f"{R}/var/lib/kiosk-console",
        "/etc/mosquitto": f"{R}/etc/mosquitto",
        "/var/lib/mosquitto": f"{R}/var/lib/mosquitto",
        "/root/fleet-ca": f"{R}/root/fleet-ca",
        "broker.zwzx.local": "127.0.0.1",
        "8883": str(broker_port),
        "127.0.0.1:8080": f"127.0.0.1:{console_port}",
    }
    pattern = re.compile("|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True)))
    return pattern.sub(lambda m: pairs[m.group(0)], text)


# The installed programs first on PATH, and console.json's default place in the scratch root.
env = dict(os.environ, PATH=f"{R}{prefix}/bin:" + os.environ["PATH"], LANG="C.UTF-8",
           KIOSK_CONSOLE_CONFIG=f"{R}/etc/kiosk-console/console.json")


def run(line, stdin=None, as_nobody=False, expect_ok=True):
    argv = ["bash", "-c", line]
    if as_nobody:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, cwd=R, timeout=60)
    if expect_ok and p.returncode != 0:
        raise AssertionError(f"the documented step failed: {line}\n{p.stdout}{p.stderr}")
    if not expect_ok and p.returncode == 0:
        raise AssertionError(f"expected a failure from: {line}\n{p.stdout}{p.stderr}")
    return p


def says(p, *words):
    said = p.stdout + p.stderr
    for w in words:
        assert w in said, f"the message should say {w!r}; it says:\n{said}"


def start(name, argv):
    log = open(os.path.join(R, f"{name}.log"), "ab")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=R, start_new_session=True)
    procs.append(p)
    return p


def log_of(name):
    with open(os.path.join(R, f"{name}.log"), errors="replace") as f:
        return f.read()


console_json = f"{R}/etc/kiosk-console/console.json"
office_json = f"{R}/etc/kiosk-console/office.json"
signing_key = f"{R}/etc/kiosk-console/office.key"
state = f"{R}/var/lib/kiosk-console"


def unit_exec_start():
    unit = open(f"{R}{prefix}/lib/systemd/system/kiosk-console.service").read()
    line = next(l for l in unit.splitlines() if l.startswith("ExecStart="))
    return subst(line[len("ExecStart="):])


def console_start_fails(*words):
    """The console, started as its unit starts it, stops at once with an error saying `words`."""
    p = subprocess.run(["bash", "-c", unit_exec_start()], capture_output=True, text=True, env=env, cwd=R, timeout=30)
    assert p.returncode != 0, "the console started where it should have refused:\n" + p.stderr
    says(p, *words)


def install_packages(line):
    version = re.search(r"^project\(kiosk VERSION ([0-9.]+)", open(f"{source}/CMakeLists.txt").read(), re.M).group(1)
    assert f"./kiosk_{version}_amd64.deb" in line and f"./kiosk-console_{version}_amd64.deb" in line, \
        f"step 1 should install both packages of version {version}: {line}"
    subprocess.run(["cmake", "--install", build], env=dict(env, DESTDIR=R), check=True, stdout=subprocess.DEVNULL)
    for f in (console_json, f"{R}{prefix}/share/kiosk-console/office.json.example", f"{R}{prefix}/share/kiosk/fleet-ca.sh",
              f"{R}{prefix}/share/kiosk/demo/config/fleet/mosquitto.conf", f"{R}{prefix}/lib/tmpfiles.d/kiosk-console.conf"):
        assert os.path.exists(f), f"not installed: {f}"
    # The scratch root stands in for /: console.json's paths (database, office.json, kiosk, assets, port).
    with open(console_json) as f:
        text = subst(f.read())
    with open(console_json, "w") as f:
        f.write(text)
    # What the package's postinst does beyond its files: the state folder from tmpfiles.d.
    postinst = open(f"{source}/systemd/debian-console/postinst").read()
    assert "systemd-tmpfiles --create kiosk-console.conf" in postinst, "the postinst should apply the tmpfiles.d entry"
    postinst_tmpfiles()
    st = os.stat(state)
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid(), f"{state}: {oct(st.st_mode)} uid {st.st_uid}"


def postinst_tmpfiles():
    entry = open(f"{R}{prefix}/lib/tmpfiles.d/kiosk-console.conf").read()
    assert re.search(r"^d /var/lib/kiosk-console 0700 kiosk-console kiosk-console", entry, re.M), entry
    scratch = f"{R}/tmpfiles-kiosk-console.conf"
    with open(scratch, "w") as f:
        f.write(entry.replace("kiosk-console kiosk-console", f"{me} {my_group}"))
    # With --root, systemd-tmpfiles looks owners up in the root's own /etc/passwd and
    # /etc/group (root alone is built in): the test's user there, standing in for the
    # kiosk-console user the package's sysusers entry adds.
    os.makedirs(f"{R}/etc", exist_ok=True)
    if not os.path.exists(f"{R}/etc/passwd"):
        with open(f"{R}/etc/passwd", "w") as f:
            f.write(f"{me}:x:{os.getuid()}:{os.getgid()}::/:/usr/sbin/nologin\n")
        with open(f"{R}/etc/group", "w") as f:
            f.write(f"{my_group}:x:{os.getgid()}:\n")
    subprocess.run(["systemd-tmpfiles", "--create", f"--root={R}", scratch], check=True, capture_output=True)


def start_broker():
    conf = open(f"{R}/etc/mosquitto/conf.d/kiosk.conf").read()
    os.makedirs(f"{R}/var/lib/mosquitto", exist_ok=True)
    conf = subst(conf).replace(f"listener {broker_port}\n", f"listener {broker_port} 127.0.0.1\n")
    assert f"listener {broker_port} 127.0.0.1" in conf, conf
    scratch = f"{R}/mosquitto-test.conf"
    with open(scratch, "w") as f:
        f.write(conf + f"user {me}\nlog_dest file {R}/mosquitto.log\n")
    p = start("mosquitto", ["/usr/sbin/mosquitto", "-c", scratch])
    wait_for(lambda: accepts(broker_port) or p.poll() is not None, 20, "mosquitto to listen")
    assert p.poll() is None, "mosquitto exited: " + log_of("mosquitto")


def before_init(line):
    # Started before init: the console names office.json and the command that writes it.
    console_start_fails(office_json + ": missing", "kiosk-console init")


def after_init(line, p):
    printed = p.stdout.strip()
    assert re.fullmatch(r'"office-\d{4}": "[A-Za-z0-9+/]{43}="', printed), f"init should print the trusted_keys line alone: {printed!r}"
    office = json.load(open(office_json))
    kid, public = json.loads("{" + printed + "}").popitem()
    assert office["fleet"]["trusted_keys"] == {kid: public} and office["fleet"]["signing_kid"] == kid
    assert office["hall_name"] == "长春市政务服务中心" and office["network"]["allowed_hosts"] == ["www.changchun.gov.cn"]
    assert office["fleet"]["host"] == "127.0.0.1" and office["fleet"]["port"] == broker_port
    st = os.stat(signing_key)
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == os.getuid(), f"{signing_key}: {oct(st.st_mode)} uid {st.st_uid}"
    # The template has exactly the keys init writes.
    template = json.load(open(f"{R}{prefix}/share/kiosk-console/office.json.example"))

    def shape(j):
        return {k: shape(v) for k, v in j.items()} if isinstance(j, dict) and "office-2026" not in j else type(j).__name__

    assert shape(template) == shape(office), f"the template and init's office.json differ:\n{shape(template)}\n{shape(office)}"
    # Again: refused, naming the file and the fix, and nothing changed.
    before = open(office_json, "rb").read()
    again = run(subst(line), expect_ok=False)
    says(again, office_json + " exists", "--force")
    assert open(office_json, "rb").read() == before
    # With --force: written again, the key kept (the screens' line is the same).
    forced = run(subst(line) + " --force")
    assert forced.stdout.strip() == printed, (forced.stdout, printed)
    says(forced, "kept the existing signing key")
    # A key others may read: init and the console both refuse it, saying the chmod.
    os.chmod(signing_key, 0o644)
    says(run(subst(line) + " --force", expect_ok=False), signing_key, f"chmod 600 {signing_key}")
    console_start_fails(signing_key, f"chmod 600 {signing_key}")
    os.chmod(signing_key, 0o600)
    if root_user:  # a key owned by another user: the chown that gives it back
        os.chown(signing_key, 65534, 65534)
        console_start_fails(signing_key, f"chown {me}: {signing_key}")
        os.chown(signing_key, 0, 0)
    return printed


def before_adduser(line):
    # The state folder missing, and this user cannot make it: the folder and the fix named.
    shutil.rmtree(state)
    if root_user:
        p = run(subst(line), stdin=PASSWORD + "\n", as_nobody=True, expect_ok=False)
    else:
        os.chmod(f"{R}/var/lib", 0o555)
        p = run(subst(line), stdin=PASSWORD + "\n", expect_ok=False)
        os.chmod(f"{R}/var/lib", 0o755)
    says(p, state, "systemd-tmpfiles --create kiosk-console.conf")
    assert "unable to open database file" not in p.stderr, p.stderr
    assert not os.path.exists(state)
    postinst_tmpfiles()  # the fix the message names
    if root_user:  # root over the console's folder: refused, saying whose it is and how to run
        os.chown(state, 65534, 65534)
        p = run(subst(line), stdin=PASSWORD + "\n", expect_ok=False)
        says(p, f"{state} belongs to nobody", "sudo -u nobody kiosk-console adduser wang --role admin")
        assert not os.listdir(state), "root made files in the console's folder"
        os.chown(state, 0, 0)


def start_console():
    p = start("console", ["bash", "-c", "exec " + unit_exec_start()])
    wait_for(lambda: accepts(console_port) or p.poll() is not None, 30, "the console to listen")
    assert p.poll() is None, "kiosk-console exited: " + log_of("console")
    # The office's certificate and office.json's broker are right: it reaches the broker.
    wait_for(lambda: "connected to the broker" in log_of("console"), 30, "the console to reach the broker")


def login(prose):
    m = re.search(r"Open `http://127\.0\.0\.1:8080/` on this machine and log in as `(\w+)`", prose)
    assert m, "the last step should say which address to open and whom to log in as"
    http = Http(f"http://127.0.0.1:{console_port}")
    status, raw, _ = http.request("GET", "/")
    assert status == 200 and b"<html" in raw.lower(), (status, raw[:200])
    http.login(m.group(1), PASSWORD)
    status, raw, _ = http.request("GET", "/api/me")
    me_json = json.loads(raw)
    assert status == 200 and me_json["name"] == m.group(1) and me_json["role"] == "admin" and me_json["broker"], raw


def interactive_init():
    """init with nothing on its command line, answered on a terminal."""
    d = f"{R}/etc/kiosk-console-asked"
    os.makedirs(d)
    with open(f"{d}/console.json", "w") as f:
        json.dump({"listen": "127.0.0.1:1", "office_config": "office.json"}, f)
    master, slave = pty.openpty()
    p = subprocess.Popen([f"{R}{prefix}/bin/kiosk-console", "init", "--config", f"{d}/console.json", "--user", me],
                         stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=R)
    os.close(slave)
    # broker, port, ca, cert, key (defaults), hall, allowed hosts, time zone (default)
    for answer in ["mqtt.hall.lan", "18883", "", "", "", "吉林市政务服务中心", "www.jl.gov.cn .jlcity.gov.cn", ""]:
        os.write(master, (answer + "\n").encode())
    out, _ = p.communicate(timeout=30)
    prompts = b""
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            prompts += chunk
    except OSError:
        pass
    os.close(master)
    assert p.returncode == 0, prompts.decode(errors="replace")
    office = json.load(open(f"{d}/office.json"))
    assert office["fleet"]["host"] == "mqtt.hall.lan" and office["fleet"]["port"] == 18883, office
    assert office["fleet"]["ca_file"] == f"{d}/ca.pem" and office["fleet"]["key_file"] == f"{d}/office.key.pem", office
    assert office["hall_name"] == "吉林市政务服务中心" and office["network"]["allowed_hosts"] == ["www.jl.gov.cn", ".jlcity.gov.cn"]
    assert office["time_zone"] == "Asia/Shanghai"
    assert b"broker" in prompts and b"[8883]" in prompts, prompts
    assert re.fullmatch(r'"office-\d{4}": "[A-Za-z0-9+/]{43}="', out.decode().strip()), out


try:
    t0 = time.monotonic()
    console_doc = open(os.path.join(source, "docs/console.md"), encoding="utf-8").read()
    prose = console_doc[console_doc.index("<!-- install-steps: begin -->"):console_doc.index("<!-- install-steps: end -->")]
    plan = []
    for block in steps("docs/console.md", "install-steps"):
        if block == "broker-steps":
            plan += [line for b in steps("docs/fleet.md", "broker-steps") for line in b]
        else:
            plan += block
    ran = []
    for line in plan:
        if re.fullmatch(r"apt install \./kiosk_\S+\.deb \./kiosk-console_\S+\.deb", line):
            install_packages(line)
        elif line == "apt install mosquitto":
            assert os.path.exists("/usr/sbin/mosquitto"), "mosquitto is not installed here"
            os.makedirs(f"{R}/etc/mosquitto/conf.d")  # what the package makes in the scratch root
        elif line == "systemctl restart mosquitto":
            start_broker()
        elif line == "systemctl start kiosk-console":
            start_console()
        elif line.startswith(("apt ", "systemctl ", "sudo ")) and not line.startswith("sudo -u kiosk-console "):
            raise AssertionError(f"the test does not know how to run this documented line: {line}")
        elif line.startswith("kiosk-console init "):
            before_init(line)
            after_init(line, run(subst(line)))
        elif line.startswith("sudo -u kiosk-console kiosk-console adduser "):
            before_adduser(line)
            run(subst(line), stdin=PASSWORD + "\n")
        else:
            run(subst(line))
        ran.append(line)
    assert any(l.startswith("kiosk-console init ") for l in ran) and "systemctl start kiosk-console" in ran, ran
    login(prose)
    interactive_init()
    print(f"install steps: ok, {len(ran)} documented lines in {time.monotonic() - t0:.1f} s ({prefix}, scratch root {R})")
except BaseException:
    for name in ("console", "mosquitto"):
        if os.path.exists(os.path.join(R, f"{name}.log")):
            print(f"--- {name}.log\n" + log_of(name), file=sys.stderr)
    raise
finally:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    if keep:
        print("kept", R)
    else:
        shutil.rmtree(R, ignore_errors=True)
