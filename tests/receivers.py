"""Where the alerts of a test crawl arrive: a real SMTP server (aiosmtpd)
and an HTTP receiver for the webhook, both on loopback."""

import email
import email.policy
import json
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.splash import free_port


def smtp_missing() -> str | None:
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return "aiosmtpd is not installed: pip install -r requirements-dev.txt"
    return None


class SmtpServer:
    """``messages``: each e-mail received, parsed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(json.loads(body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class WebhookReceiver:
    """``received``: each JSON body posted to it; answers ``status``."""

    def __init__(self, status: int = 204):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
        self._httpd.received = []
        self._httpd.status = status
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/alerts"

    @property
    def received(self) -> list[dict]:
        return self._httpd.received

    def __enter__(self):
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()


def alert_settings(smtp: SmtpServer, hook: WebhookReceiver) -> tuple[str, ...]:
    return ("-s", "SPIDERMON_EMAIL_TO=ops@example.test", "-s", "SPIDERMON_SMTP_HOST=127.0.0.1",
            "-s", f"SPIDERMON_SMTP_PORT={smtp.port}", "-s", f"ALERT_WEBHOOK_URL={hook.url}")
