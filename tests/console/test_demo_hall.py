"""`scripts/demo.sh --hall` as a newcomer runs it: it prints the console's address and a
password; that password logs in over HTTP; both screens (landscape hall-1f on floor 1,
portrait hall-2f on floor 2) report online with their sizes; Ctrl-C (SIGINT to the script)
stops every process it started and removes its folder.

usage: test_demo_hall.py BUILD_DIR SOURCE_DIR"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Http, free_port, wait_for  # noqa: E402


def session_members(sid):
    """The processes of session `sid` (every child the script started stays in it), with
    their command names."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            # pid (comm) state ppid pgrp session ...: comm may hold spaces, so split after ')'.
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":
                continue
            if int(fields[3]) == sid:
                found[int(entry)] = stat[stat.index("(") + 1:stat.rindex(")")]
        except (OSError, ValueError):
            pass
    return found


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    port = free_port()
    out = tempfile.NamedTemporaryFile(prefix="demo-hall-", suffix=".log", delete=False)
    started = time.monotonic()
    demo = subprocess.Popen([os.path.join(source, "scripts/demo.sh"), "--hall", "--build", build, "--port", str(port)],
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                            env=dict(os.environ, LANG="C.UTF-8"))
    printed = lambda: open(out.name, encoding="utf-8", errors="replace").read()  # noqa: E731
    folder = None
    try:
        text = wait_for(lambda: demo.poll() is None and "密码 password:" in printed() and printed(), 90,
                        "the demo to print the console's address and password")
        address = re.search(r"控制台 console:\s+(http://127\.0\.0\.1:\d+)/", text).group(1)
        assert address == f"http://127.0.0.1:{port}", address
        password = re.search(r"密码 password:\s+(\S+)", text).group(1)
        folder = re.search(r"日志 logs:\s+(\S+)/\*\.log", text).group(1)
        assert os.path.isdir(folder), folder
        print(f"demo printed {address} after {time.monotonic() - started:.1f} s", flush=True)

        api = Http(address)
        api.login("demo", password)
        status, raw, _ = api.request("GET", "/api/me")
        assert status == 200 and json.loads(raw)["role"] == "admin", (status, raw)

        def both_online():
            status, raw, _ = api.request("GET", "/api/screens")
            screens = {s["id"]: s for s in json.loads(raw)["screens"]} if status == 200 else {}
            ok = all(screens.get(n, {}).get("state") == "online" and screens[n].get("size") for n in ("hall-1f", "hall-2f"))
            return ok and screens
        screens = wait_for(both_online, 60, "both screens online in the console")
        assert screens["hall-1f"]["size"] == {"width": 1920, "height": 1080}, screens["hall-1f"]
        assert screens["hall-2f"]["size"] == {"width": 1080, "height": 1920}, screens["hall-2f"]
        assert screens["hall-1f"]["floor"] == "1" and screens["hall-2f"]["floor"] == "2", screens
        # Both play the bundled demo report (or the guide after it).
        for n in ("hall-1f", "hall-2f"):
            showing = screens[n].get("showing") or {}
            assert showing.get("item") in ("report", "xxgk-guide"), (n, showing)
        print(f"both screens online after {time.monotonic() - started:.1f} s", flush=True)

        members = session_members(demo.pid)
        names = sorted(members.values())
        assert names.count("kiosk") == 2 and "kiosk-console" in names and "mosquitto" in names, names

        demo.send_signal(signal.SIGINT)  # Ctrl-C
        assert demo.wait(timeout=60) == 0, printed()
        # The script waited for each before it exited: nothing of its session is left.
        assert not session_members(demo.pid), session_members(demo.pid)
        for pid in members:
            assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z", pid
        assert not os.path.exists(folder), f"{folder} was left behind"
        assert "demo: stopped" in printed()
        print(f"stopped cleanly after {time.monotonic() - started:.1f} s", flush=True)
    except BaseException:
        print(printed()[-3000:], file=sys.stderr)
        if folder:
            for log in ("mosquitto", "hall-1f", "hall-2f", "console"):
                try:
                    print(f"--- {log}.log\n" + open(os.path.join(folder, f"{log}.log"), errors="replace").read()[-2000:],
                          file=sys.stderr)
                except OSError:
                    pass
        raise
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        for pid in session_members(demo.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.unlink(out.name)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
