"""Where the alerts of a test crawl arrive: a real SMTP server (aiosmtpd)
and an HTTP receiver for the webhook, both on loopback."""

import asyncio
import email
import email.policy
import json
import socket
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

    def __init__(self, delay: float = 0):
        from aiosmtpd.controller import Controller

        self.delay = delay  # seconds each message takes to be taken
        self.messages: list[EmailMessage] = []
        self.envelopes = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
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


class Trickler:
    """A server that never finishes answering: it sends `greeting`, then
    `drip` every `every` seconds, to each connection, until closed (a
    webhook sending a 200 header then a byte at a time; an SMTP server
    sending ``220-`` continuation lines)."""

    def __init__(self, greeting: bytes, drip: bytes, every: float = 0.5):
        self.greeting, self.drip, self.every = greeting, drip, every
        self.connections = 0
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]

    @classmethod
    def http(cls):
        return cls(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", b"x")

    @classmethod
    def smtp(cls):
        return cls(b"220-hello\r\n", b"220-hello\r\n")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/alerts"

    def _serve(self, conn):
        with conn:
            try:
                conn.sendall(self.greeting)
                while not self._stop.wait(self.every):
                    conn.sendall(self.drip)
            except OSError:
                pass

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._sock.close()
