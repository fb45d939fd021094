"""Serve a corpus over HTTP, with faults on request."""

import hashlib
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from newscrawler.replica import render
from newscrawler.replica.corpus import BEIJING, Corpus


@dataclass
class Faults:
    """Fault injection, off by default. Rates are fractions of answers;
    which answer fails is decided by the seed, the path and the attempt."""

    error_rate: float = 0.0
    """Answer 500 or 503 instead."""
    truncate_rate: float = 0.0
    """Cut a JSON body in half (with a matching Content-Length)."""
    latency: float = 0.0
    """Seconds to wait before every answer."""
    seed: int = 1
    drop_rate: float = 0.0
    """Close the connection without answering."""
    hang_rate: float = 0.0
    """Answer only after `hang_seconds` (longer than a client's timeout)."""
    hang_seconds: float = 5.0

    def active(self) -> bool:
        return any((self.error_rate, self.truncate_rate, self.drop_rate, self.hang_rate))

    def roll(self, kind: str, path: str, attempt: int) -> float:
        digest = hashlib.sha1(f"{self.seed}:{kind}:{path}:{attempt}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY each
    # answer waits for a delayed ACK (~40 ms) on keep-alive connections.
    disable_nagle_algorithm = True
    server: "_Server"

    def log_message(self, format, *args):  # noqa: A002 - quiet by default
        if self.server.replica.verbose:
            super().log_message(format, *args)

    def do_GET(self):  # noqa: N802 - the name http.server calls
        replica = self.server.replica
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        route = replica.route_name(url.path)
        attempt = replica.count(route, self.path)
        replica.advance()
        faults = replica.faults
        if faults.latency:
            time.sleep(faults.latency)
        if route != "robots" and faults.active() and self._fault(faults, attempt):
            return
        if (change := replica.take_change(self.path)) is not None:
            change()
        if self.path in replica.outages:
            self._send(replica.outages[self.path], b"Service Unavailable", "text/plain")
            return
        if self.path in replica.redirects:
            self._send(302, b"", "text/plain", location=replica.redirects[self.path])
            return
        status, body, content_type = replica.answer(route, url.path, query)
        if (
            content_type.startswith("application/json") and status == 200 and faults.truncate_rate
            and faults.roll("truncate", self.path, attempt) < faults.truncate_rate
        ):
            body = body[: len(body) // 2]
        self._send(status, body, content_type)

    def _fault(self, faults: Faults, attempt: int) -> bool:
        """Inject the fault this attempt draws, if any; True if it answered."""
        if faults.drop_rate and faults.roll("drop", self.path, attempt) < faults.drop_rate:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if faults.hang_rate and faults.roll("hang", self.path, attempt) < faults.hang_rate:
            time.sleep(faults.hang_seconds)
        if faults.error_rate and faults.roll("error", self.path, attempt) < faults.error_rate:
            status = 503 if faults.roll("which", self.path, attempt) < 0.5 else 500
            self._send(status, b"Service Unavailable" if status == 503 else b"Internal Server Error", "text/plain")
            return True
        return False

    def _send(self, status: int, body: bytes, content_type: str, location: str | None = None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    replica: "ReplicaServer"

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer (a killed crawler or Splash) is
        # routine for a test server, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"


class ReplicaServer:
    """``start()`` serves on (host, port) in a thread (port 0: any free
    one; see ``url``), ``stop()`` ends it. ``hits`` counts requests by route."""

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None, verbose: bool = False):
        self.corpus = corpus
        self.faults = faults or Faults()
        self.verbose = verbose
        self.hits: Counter = Counter()
        self.outages: dict[str, int] = {}
        """Request path (with its query) -> the status it answers, always."""
        self.redirects: dict[str, str] = {}
        """Request path (with its query) -> where it redirects (302)."""
        self.before: dict[str, object] = {}
        """Request path (with its query) -> a function run once, before the
        first answer to it (a change of the source in the middle of a crawl)."""
        self._attempts: Counter = Counter()
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.replica = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "ReplicaServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replica", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def advance(self) -> None:
        with self._lock:
            self.corpus.advance(datetime.now(BEIJING))

    def take_change(self, path: str):
        with self._lock:
            return self.before.pop(path, None)

    def count(self, route: str, path: str) -> int:
        with self._lock:
            self.hits[route] += 1
            self._attempts[path] += 1
            return self._attempts[path]

    @staticmethod
    def route_name(path: str) -> str:
        if path == "/category/" or path == "/category":
            return "index"
        if path.startswith("/category/"):
            return "listing"
        return {
            "/html_News/NewsShare.html": "share",
            "/NewsData/GetNewsText.do": "text",
            "/web/webapi": "media_feed",
            "/information/newmarket/web/webapi": "market_feed",
            "/robots.txt": "robots",
            "/_replica/add": "control",
        }.get(path, "other")

    def answer(self, route: str, path: str, query: dict) -> tuple[int, bytes, str]:
        corpus = self.corpus
        if route == "index":
            return 200, render.category_index(corpus).encode("utf-8"), HTML
        if route == "listing":
            return self._listing(path.removeprefix("/category/").removesuffix(".html"), query)
        if route == "share":
            return 200, render.SHARE_PAGE.encode("utf-8"), HTML
        if route == "text":
            raw = corpus.raw_answer(query.get("id", ""))
            if raw is not None:
                return 200, raw, JSON
            data = corpus.answer(query.get("id", ""))
            if data is None:
                return 404, render.to_json({"code": 404, "message": "资讯不存在或已删除"}), JSON
            return 200, render.to_json(data), JSON
        if route == "media_feed":
            count = _int(query.get("count"), 20)
            if query.get("type") == "102":
                return 200, render.to_json(render.rolling_feed(corpus, count)), JSON
            return 200, render.to_json(render.media_feed(corpus, count)), JSON
        if route == "market_feed":
            market = _int(query.get("marketType"), 0)
            if market not in (37, 38, 39):
                return 400, render.to_json({"code": 400, "message": "bad marketType"}), JSON
            return 200, render.to_json(render.market_feed(corpus, market, _int(query.get("count"), 20))), JSON
        if route == "control":
            with self._lock:
                added = corpus.add_live(_int(query.get("count"), 1))
            return 200, render.to_json({"added": added, "records": len(corpus.records)}), JSON
        if route == "robots":
            return 200, b"User-agent: *\nAllow: /\n", "text/plain"
        return 404, b"Not Found", "text/plain"

    def _listing(self, cid: str, query: dict) -> tuple[int, bytes, str]:
        if cid not in self.corpus.categories:
            return 404, b"Not Found", "text/plain"
        page = _int(query.get("page"), 1)
        if not self.corpus.page_exists(cid, page):
            return 404, b"Not Found", "text/plain"
        encoding = self.corpus.categories[cid].encoding
        now = datetime.now(BEIJING)
        if encoding == "gbk-header":
            text = render.listing_page(self.corpus, cid, page, now, meta_charset="gbk")
            return 200, text.encode("gbk", "xmlcharrefreplace"), "text/html; charset=GBK"
        if encoding == "gbk-meta":
            text = render.listing_page(self.corpus, cid, page, now, meta_charset="gbk")
            return 200, text.encode("gbk", "xmlcharrefreplace"), "text/html"
        if encoding == "gbk-mislabelled":
            text = render.listing_page(self.corpus, cid, page, now)
            return 200, text.encode("gbk", "xmlcharrefreplace"), HTML
        return 200, render.listing_page(self.corpus, cid, page, now).encode("utf-8"), HTML


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
