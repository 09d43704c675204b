#!/usr/bin/env python3
"""A small SMTP catcher for the CI compose stack, in place of Mailpit (no image registry there).

SMTP on :1025 (aiosmtpd, Debian's python3-aiosmtpd) keeps every message in memory; HTTP on :8025 answers the
part of Mailpit's API that docker/ci/drive_stack.py reads, so the same driver works against real Mailpit:
  GET /readyz                   200 once both servers listen
  GET /api/v1/messages          {"total":N,"messages":[{"ID","Subject","To":[{"Address"}]}]}, newest first
  GET /api/v1/message/<ID>      {"ID","Subject","To","Text","HTML"}
"""
import email
import email.policy
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

MESSAGES = []
LOCK = threading.Lock()


class Catch:
    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        message = {
            "ID": uuid.uuid4().hex,
            "Subject": str(parsed.get("Subject", "")),
            "To": [{"Address": address} for address in envelope.rcpt_tos],
            "Text": text.get_content() if text else "",
            "HTML": html.get_content() if html else "",
        }
        with LOCK:
            MESSAGES.insert(0, message)
        print(f"mail to {envelope.rcpt_tos}: {message['Subject']}", flush=True)
        return "250 Message accepted for delivery"


class Api(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            messages = list(MESSAGES)
        if self.path == "/readyz":
            self._send(200, {"status": "ok"})
        elif self.path.startswith("/api/v1/messages"):
            summaries = [{k: m[k] for k in ("ID", "Subject", "To")} for m in messages]
            self._send(200, {"total": len(summaries), "messages": summaries})
        elif self.path.startswith("/api/v1/message/"):
            wanted = self.path.rsplit("/", 1)[1]
            found = [m for m in messages if m["ID"] == wanted]
            self._send(200 if found else 404, found[0] if found else {"error": "not found"})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    controller = Controller(Catch(), hostname="0.0.0.0", port=1025)
    controller.start()
    print("smtp on :1025, api on :8025", flush=True)
    ThreadingHTTPServer(("0.0.0.0", 8025), Api).serve_forever()
