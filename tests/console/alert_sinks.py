"""Where the alert tests' messages land, on loopback: a group robot's webhook (企业微信's
answer {"errcode":0,"errmsg":"ok"}; or a refusing one) and an SMTP server with STARTTLS
(Debian's python3-aiosmtpd) that keeps every mail."""
import email
import email.policy
import http.server
import json
import ssl
import threading
import warnings

from aiosmtpd.controller import Controller

from harness import free_port


class Webhook:
    """Every POST's path and JSON body, in order."""

    def __init__(self):
        self.posts = []
        self.lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"unreadable": raw.decode(errors="replace")}
                with sink.lock:
                    sink.posts.append((self.path, body))
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def texts(self):
        """The text of every 企业微信 message received (msgtype text or markdown)."""
        with self.lock:
            out = []
            for _, b in self.posts:
                kind = b.get("msgtype")
                out.append((b.get(kind) or {}).get("content", "") if kind in ("text", "markdown") else json.dumps(b, ensure_ascii=False))
            return out

    def close(self):
        self.server.shutdown()


class Smtp:
    """An SMTP server on 127.0.0.1 that requires STARTTLS (the certificate `cert`/`key`, for
    127.0.0.1) and keeps every mail: (sender, recipients, subject, body text, whether over TLS)."""

    def __init__(self, cert, key):
        self.mails = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                part = msg.get_body(preferencelist=("plain", "html"))
                text = part.get_content() if part else ""
                with sink.lock:
                    sink.mails.append((envelope.mail_from, list(envelope.rcpt_tos), str(msg["Subject"] or ""), text,
                                       session.ssl is not None))
                return "250 OK"
        warnings.simplefilter("ignore")  # aiosmtpd 1.4 warns of its own deprecated names
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx, require_starttls=True)
        self.controller.start()

    def texts(self):
        with self.lock:
            return [subject + "\n" + body for _, _, subject, body, _ in self.mails]

    def close(self):
        self.controller.stop()
