#!/usr/bin/python3
"""kiosk-console as a service, without a browser: it refuses a signing key others may read,
serves HTTPS from certificate files with a Secure, HttpOnly, SameSite=Strict session
cookie, sends its security headers, refuses an unknown or oversized upload, and stops
cleanly on SIGTERM.

    /usr/bin/python3 tests/console/test_console_service.py BUILD_DIR SOURCE_DIR"""
import json
import os
import ssl
import subprocess
import sys
import urllib.request
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fleet, wait_for, accepts  # noqa: E402


def main():
    build, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    fleet = Fleet(build, source)
    try:
        key = os.path.join(fleet.dir, "office.key")

        print("== a signing key others may read: the console refuses to start, and says the fix")
        os.chmod(key, 0o644)
        run = subprocess.run([fleet.console_bin, "--config", fleet.console_json], capture_output=True, text=True, timeout=30)
        assert run.returncode == 1, run
        assert "chmod 600" in run.stderr and "office.key" in run.stderr, run.stderr
        os.chmod(key, 0o600)

        print("== HTTPS from certificate files: the cookie is Secure, HttpOnly, SameSite=Strict")
        with open(fleet.console_json) as f:
            settings = json.load(f)
        settings["tls"] = {"cert_file": f"{fleet.ca}/server.pem", "key_file": f"{fleet.ca}/server.key"}
        Fleet.write_json(fleet.console_json, settings)
        fleet.adduser("wang", "admin", "admin-pass-2026")
        fleet.start_console()
        context = ssl.create_default_context(cafile=f"{fleet.ca}/ca.pem")
        base = f"https://127.0.0.1:{fleet.console_port}"

        def call(method, path, body=None, headers=None, data=None):
            h = {"Content-Type": "application/json"}
            h.update(headers or {})
            payload = data if data is not None else (None if body is None else json.dumps(body).encode())
            req = urllib.request.Request(base + path, data=payload, method=method, headers=h)
            try:
                with urllib.request.urlopen(req, context=context, timeout=30) as r:
                    return r.status, r.read(), r.headers
            except urllib.error.HTTPError as e:
                return e.code, e.read(), e.headers

        status, raw, headers = call("POST", "/api/login", {"name": "wang", "password": "admin-pass-2026"})
        assert status == 200, (status, raw)
        cookie = headers["Set-Cookie"]
        for attribute in ("HttpOnly", "SameSite=Strict", "Secure", "Max-Age="):
            assert attribute in cookie, cookie
        session = cookie.split(";")[0]
        csrf = json.loads(raw)["csrf"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert headers["X-Frame-Options"] == "DENY"
        # Plain HTTP to the HTTPS port gets nothing.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{fleet.console_port}/login", timeout=5)
            raise AssertionError("plain HTTP answered")
        except (urllib.error.URLError, ConnectionError, OSError):
            pass

        print("== uploads: only .txt and .html, at most 2 MB")
        auth = {"Cookie": session, "X-CSRF-Token": csrf, "Origin": base}

        def upload(name, content):
            boundary = "kiosk-boundary-1"
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                    f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
            return call("POST", "/api/upload", data=body,
                        headers=dict(auth, **{"Content-Type": f"multipart/form-data; boundary={boundary}"}))
        status, raw, _ = upload("report.exe", b"MZ\x90\x00")
        assert status == 415 and "只能上传" in json.loads(raw)["error"], (status, raw)
        status, raw, _ = upload("big.txt", "字".encode() * 800_000)
        assert status == 413, (status, raw[:200])
        status, raw, _ = upload("binary.txt", bytes(range(256)) * 100)
        assert status == 422, (status, raw[:200])
        status, raw, _ = upload("notice.txt", "停电通知\n今天下午停电。\n".encode("gbk"))
        assert status == 200 and json.loads(raw)["title"] == "停电通知", (status, raw)

        print("== a JSON body nested too deep is refused, the console stays up")
        # (40,000 brackets: within the route's 50,000 values, so the nesting check answers.)
        status, raw, _ = call("POST", "/api/playlist", data=b"[" * 40000 + b"]" * 40000, headers=auth)
        assert status == 400, (status, raw[:200])
        assert call("GET", "/api/me", headers={"Cookie": session})[0] == 200

        print("== SIGTERM: a clean stop")
        assert fleet.stop("console") == 0, fleet.log("console")
        assert not accepts(fleet.console_port)
        print("== all console service tests passed")
        return 0
    except Exception:
        print("--- console log\n" + fleet.log("console"))
        raise
    finally:
        fleet.close()


if __name__ == "__main__":
    sys.exit(main())
