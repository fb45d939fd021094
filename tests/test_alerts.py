from newscrawler.monitors.alerts import changes, read_alerted, save_alerted


def test_new_failures_and_recoveries_since_the_last_alert():
    alerted = {"Drop rates": "6 of 9 dropped", "Categories list articles: dzrb": "dzrb quiet"}
    failing = {"Drop rates": "7 of 12 dropped", "Categories list articles: cqrb": "cqrb quiet"}
    assert changes(failing, alerted, recoveries=True) == (
        {"Categories list articles: cqrb": "cqrb quiet"}, {"Categories list articles: dzrb": "dzrb quiet"})
    assert changes(failing, alerted, recoveries=False)[1] == {}, "during a run: no recovery yet"
    assert changes(alerted, alerted, recoveries=True) == ({}, {})


def test_alerted_failures_are_kept_per_channel_and_an_older_file_is_every_channels(tmp_path):
    path = tmp_path / "category.alerted.json"
    path.write_text('{"Drop rates": "6 of 9 dropped"}', encoding="utf-8")
    old = {"Drop rates": "6 of 9 dropped"}
    assert read_alerted(path) == {"email": old, "webhook": old}
    save_alerted(path, {"email": {"Drop rates": "6 of 9 dropped"}, "webhook": {}})
    assert read_alerted(path) == {"email": {"Drop rates": "6 of 9 dropped"}, "webhook": {}}
    path.write_text('{"email": ["not", "a map"]}', encoding="utf-8")
    assert read_alerted(path) == {}


def test_a_webhook_that_redirects_is_an_error_not_an_alert_sent():
    """urllib followed a 302 of the POST as a GET without the body: the
    alert was lost, and recorded as sent (never retried)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import pytest

    from newscrawler.monitors.webhook import WebhookError, post_alert

    seen = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(("POST", self.path))
            self.send_response(302)
            self.send_header("Location", "/final")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            seen.append(("GET", self.path))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        with pytest.raises(WebhookError, match=r"answered HTTP 302 \(redirects to .*/final\)"):
            post_alert(url, {"text": "x"}, timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("POST", "/hook")]


def test_an_alert_stays_one_screen_whatever_fails():
    """2000 categories gone, one id with new lines and a terminal escape:
    the mail had a 5,000-character line (refused by SMTP servers) and the
    webhook a 480 KB body; the id's new lines made header-like lines."""
    from newscrawler.monitors.alerts import MAX_LISTED, alert_text, capped
    hostile = "evil\nSubject: injected\r\nBcc: x@evil\x1b[31m" + "A" * 5000
    new = {f"Categories list articles:gone{n:04d}": f"category gone{n:04d} listed 5 articles before and none now"
           for n in range(2000)}
    new[f"Categories list articles:{hostile}"] = f"category {hostile} listed 5 articles before"
    subject, text = alert_text("category on http://x, started now", new, {}, {}, {}, "/out")
    assert subject == "newscrawler: 1 check(s) failed: Categories list articles"
    lines = text.splitlines()
    assert len(lines) < MAX_LISTED + 10 and max(map(len, lines)) <= 300
    assert "- … and 1981 more" in lines
    assert not any(line.startswith(("Subject:", "Bcc:")) for line in lines) and "\x1b" not in text
    details = capped(new)
    assert len(details) == MAX_LISTED and all(len(k) <= 100 and len(v) <= 300 for k, v in details.items())
