#!/usr/bin/python3
"""An SMTP sink for the alert channels' tests (Debian's python3-aiosmtpd), on 127.0.0.1.

    smtp_sink.py DIR PORT [--tls CERT KEY] [--auth USER:PASSWORD]

With --tls it offers STARTTLS and refuses MAIL before it; without, it offers no STARTTLS at
all (a server the client must refuse when it requires TLS). With --auth it requires a login
(over TLS only). Each message is parsed with Python's own e-mail parser and written to
DIR/mail-N.json: the envelope, whether the session was encrypted, who logged in, the decoded
Subject, To and body, and the raw headers. DIR/ready is written once it listens. Stops on SIGTERM.
"""
import email
import logging
import email.policy
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        raw = (envelope.original_content or envelope.content).decode("utf-8", "replace")
        headers = raw.split("\r\n\r\n", 1)[0]
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "login": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None),
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": [a.addr_spec for a in message["to"].addresses] if message["to"] else [],
            "date": str(message["date"]),
            "message_id": str(message["message-id"]),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "transfer_encoding": str(message["content-transfer-encoding"]),
            "body": message.get_content(),
            "raw_headers": headers,
        }
        path = os.path.join(self.folder, "mail-%d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd 1.4 warns of its own deprecated Session.login_data
    folder, port = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    tls_context = None
    user = password = None
    while args:
        if args[0] == "--tls":
            tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls_context.load_cert_chain(args[1], args[2])
            args = args[3:]
        elif args[0] == "--auth":
            user, password = args[1].split(":", 1)
            args = args[2:]
        else:
            sys.exit("smtp_sink: unknown argument " + args[0])

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    controller = Controller(
        Sink(folder), hostname="127.0.0.1", port=port,
        tls_context=tls_context, require_starttls=tls_context is not None,
        authenticator=authenticator if user else None, auth_required=bool(user),
        auth_require_tls=True)
    controller.start()
    with open(os.path.join(folder, "ready.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(folder, "ready.tmp"), os.path.join(folder, "ready"))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})  # blocked in every thread (below): only this takes them
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
