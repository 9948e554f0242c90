#!/usr/bin/python3
"""The dpms power backend against a real X server: Xorg with Debian's dummy video driver.

  test_dpms_x11.py CHECK_BINARY switch|refused [--panel-driver DIR]

Starts `Xorg -displayfd` on a free display with a minimal xorg.conf (no input devices, no
VT switch), asks `xset q` first whether the server has the DPMS extension, then runs
tests/dpms_x11_check.cpp on SDL's x11 driver against it and stops Xorg.

The video driver: Debian's dummy, or with --panel-driver the test panel driver built in DIR
(tests/xorg_panel/kioskpanel_drv.c). xserver-xorg-video-dummy 0.4.0 (Debian 12) never calls
xf86DPMSInit, so Xorg 21.1 registers no DPMS extension for its screen and `xset q` says
"Server does not have the DPMS Extension"; the panel driver does, and logs each power level
the server hands it ("kioskpanel: panel power off").

  switch   needs a server with DPMS: off and on again, confirmed by xset and by the levels
           the driver received. Skipped (exit 77) when the server has none, saying why.
  refused  needs a server without DPMS: the backend is an error saying so.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77

XORG_CONF = """
Section "ServerFlags"
    Option "AutoAddDevices" "false"
    Option "AutoEnableDevices" "false"
    Option "DontVTSwitch" "true"
EndSection
Section "Device"
    Identifier "dummy"
    Driver "DRIVER"
    VideoRam 16384
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
    Option "DPMS" "true"
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Virtual 640 480
    EndSubSection
EndSection
"""


def log_lines(path, words):
    try:
        with open(path, errors="replace") as f:
            return [l.rstrip() for l in f if any(w in l for w in words)]
    except OSError:
        return []


def main():
    check, mode = sys.argv[1], sys.argv[2]
    panel_dir = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--panel-driver" else None
    xorg = shutil.which("Xorg")
    if not xorg or not shutil.which("xset"):
        print("SKIP: Xorg or xset missing (xserver-xorg-core, x11-xserver-utils)")
        return SKIP
    if os.geteuid() != 0:
        print("SKIP: Xorg with a configuration file of the test's own needs root")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="kiosk-dpms-") as tmp:
        conf = os.path.join(tmp, "xorg.conf")
        log = os.path.join(tmp, "Xorg.log")
        with open(conf, "w") as f:
            f.write(XORG_CONF.replace("DRIVER", "kioskpanel" if panel_dir else "dummy"))
        modules = ["-modulepath", panel_dir + ",/usr/lib/xorg/modules"] if panel_dir else []
        read_fd, write_fd = os.pipe()
        # -sharevts -novtswitch: the machine's console stays as it is.
        server = subprocess.Popen(
            [xorg, "-displayfd", str(write_fd), "-config", conf, "-noreset", "-nolisten", "tcp",
             "-sharevts", "-novtswitch", "-logfile", log] + modules,
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        try:
            # Xorg writes the display's number once it listens.
            number = b""
            start = time.monotonic()
            with os.fdopen(read_fd, "rb") as pipe:
                while not number.endswith(b"\n"):
                    chunk = pipe.read(1)
                    if not chunk:
                        break
                    number += chunk
            if not number.strip():
                lines = log_lines(log, ["(EE)", "Fatal"])
                if any("/dev/tty0" in l or "virtual console" in l for l in lines):
                    print("SKIP: Xorg needs a virtual terminal, and this machine has none:\n" + "\n".join(lines))
                    return SKIP
                print("FAIL: Xorg did not start:\n" + "\n".join(lines))
                return 1
            display = ":" + number.decode().strip()
            print(f"Xorg on {display} in {time.monotonic() - start:.1f} s")
            env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11")
            xset = subprocess.run(["xset", "q"], env=env, capture_output=True, text=True, timeout=10).stdout
            dpms = xset[xset.find("DPMS (Energy Star):"):]
            print("xset q:\n" + dpms)
            has_dpms = "DPMS is Enabled" in dpms or "DPMS is Disabled" in dpms
            if not has_dpms and "Server does not have the DPMS Extension" not in dpms:
                print("FAIL: xset q says nothing of DPMS")
                return 1
            if mode == "switch" and not has_dpms:
                print("SKIP: this Xorg has no DPMS extension, so there is nothing to switch. Its video driver "
                      "registers none (Xorg adds the extension only for a screen whose driver called "
                      "xf86DPMSInit; xserver-xorg-video-dummy 0.4.0 does not). From its log:\n" +
                      "\n".join(log_lines(log, ["DPMS"])))
                return SKIP
            if mode == "refused" and has_dpms:
                print("SKIP: this Xorg has the DPMS extension: the `switch` test covers it")
                return SKIP
            # Under the sanitized build: SDL's x11 driver leaves allocations of libdbus and of the
            # X libraries it unloads at exit (their frames then name no module, so no suppression
            # can match them). The leak check is the process tests' job on the dummy driver; here
            # ASan and UBSan still watch every access.
            check_env = dict(env)
            if "ASAN_OPTIONS" in check_env:
                check_env["ASAN_OPTIONS"] = check_env["ASAN_OPTIONS"].replace("detect_leaks=1", "detect_leaks=0")
            result = subprocess.run([check, mode], env=check_env, capture_output=True, text=True, timeout=30)
            print(result.stdout + result.stderr)
            if result.returncode != 0:
                return 1
            if mode == "switch" and panel_dir:
                # What reached the "panel": the driver's DPMS hook, called by the server.
                levels = [l.split("panel power ")[1] for l in log_lines(log, ["kioskpanel: panel power"])]
                print("the driver received: " + ", ".join(levels))
                if levels[-2:] != ["off", "on"]:
                    print("FAIL: the driver did not receive off then on")
                    return 1
            return 0
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    sys.exit(main())
