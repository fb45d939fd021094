"""Alert channels that misbehave, over real sockets and crawls: one that
never finishes answering holds the run no longer than ALERT_TIMEOUT; a
channel that took an alert is not sent it again while another channel
fails; two runs at once over one OUTPUT_DIR alert a failure once."""

import json
import subprocess
import time

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.receivers import SmtpServer, Trickler, WebhookReceiver, alert_settings, smtp_missing

DEAD = ("-s", "RETRY_BACKOFF_BASE=0.01")  # with Faults(drop_rate=1.0): "Nothing given up" fails


@pytest.fixture(autouse=True)
def needs_smtp():
    if reason := smtp_missing():
        pytest.skip(reason)


def error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "] ERROR: " in line]


@pytest.mark.parametrize("hung", ["webhook", "email"])
def test_a_channel_that_trickles_holds_the_run_no_longer_than_alert_timeout(tmp_path, hung):
    corpus = Corpus.generate(size=20, seed=231)
    trickler = Trickler.http() if hung == "webhook" else Trickler.smtp()
    with SmtpServer() as smtp, WebhookReceiver() as hook, trickler, \
            ReplicaServer(corpus, faults=Faults(drop_rate=1.0)) as replica:
        alerts = list(alert_settings(smtp, hook))
        if hung == "webhook":
            alerts[-1] = f"ALERT_WEBHOOK_URL={trickler.url}"
        else:
            alerts[5] = f"SPIDERMON_SMTP_PORT={trickler.port}"
        started = time.monotonic()
        run = crawl(tmp_path / "out", replica.url, *alerts, *DEAD, "-s", "ALERT_TIMEOUT=2", timeout=120)
        took = time.monotonic() - started
    assert trickler.connections >= 1
    assert run.returncode == 1 and run.summary["run_failed"], run.log[-3000:]
    assert took < 60, took
    timed_out = [line for line in error_lines(run.log) if "Could not send the alert" in line]
    assert len(timed_out) == 1 and f"by {hung}:" in timed_out[0] and "2 s" in timed_out[0], run.log[-3000:]
    other = "email" if hung == "webhook" else "webhook"
    assert len(smtp.messages) + len(hook.received) == 1, "the other channel took it"
    alerted = json.loads((tmp_path / "out" / "runs" / "category.alerted.json").read_text())
    assert alerted.get(hung, {}) == {} and alerted[other], alerted


def test_a_channel_that_took_the_alert_is_not_sent_it_again_while_another_fails(tmp_path):
    corpus = Corpus.generate(size=20, seed=232)
    with SmtpServer() as smtp, WebhookReceiver(status=500) as hook, \
            ReplicaServer(corpus, faults=Faults(drop_rate=1.0)) as replica:
        alerts = alert_settings(smtp, hook)
        runs = [crawl(tmp_path / "out", replica.url, *alerts, *DEAD) for _ in range(3)]
        hook._httpd.status = 204
        runs.append(crawl(tmp_path / "out", replica.url, *alerts, *DEAD))
        runs.append(crawl(tmp_path / "out", replica.url, *alerts, *DEAD))
    assert [run.returncode for run in runs] == [1] * 5
    assert len(smtp.messages) == 1, [m["Subject"] for m in smtp.messages]
    assert len(hook.received) == 4, "the webhook is tried each run until it takes the alert, then left alone"
    assert {h["subject"] for h in hook.received} == {smtp.messages[0]["Subject"]}
    for run in runs[:3]:
        failed = [line for line in error_lines(run.log) if "Could not send the alert" in line]
        assert len(failed) == 1 and "by webhook:" in failed[0], run.log[-3000:]
    for run in runs[3:]:
        assert [line for line in error_lines(run.log) if "alert" in line] == [], run.log[-3000:]


def test_two_runs_at_once_alert_a_failure_once(tmp_path):
    corpus = Corpus.generate(size=20, seed=233)
    output = tmp_path / "out"
    with SmtpServer(delay=3) as smtp, WebhookReceiver() as hook, \
            ReplicaServer(corpus, faults=Faults(drop_rate=1.0)) as replica:
        cmds = [crawl_command(replica.url, output, *alert_settings(smtp, hook), *DEAD, name=f"-{n}") for n in range(2)]
        procs = [subprocess.Popen(cmd, cwd=REPO_ROOT, env=ENV) for cmd in cmds]
        codes = [p.wait(timeout=300) for p in procs]
    assert codes == [1, 1]
    assert (len(smtp.messages), len(hook.received)) == (1, 1), [m["Subject"] for m in smtp.messages]


class RudeSmtp:
    """Takes the message (250 after DATA), then answers QUIT with 421."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rb") as lines:
                conn.sendall(b"220 rude\r\n")
                for line in lines:
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        conn.sendall(b"354 go on\r\n")
                        for body in lines:
                            if body == b".\r\n":
                                break
                        self.messages += 1
                        conn.sendall(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        conn.sendall(b"421 closing\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")

    def close(self):
        self.sock.close()


def test_a_mail_the_server_took_is_sent_once_whatever_it_answers_to_quit(tmp_path):
    """smtplib raised on QUIT's 421 after the server had taken the message:
    counted as not sent, the same alert went out again on every run."""
    smtp = RudeSmtp()
    settings = ("-s", "SPIDERMON_EMAIL_TO=ops@example.test", "-s", "SPIDERMON_SMTP_HOST=127.0.0.1",
                "-s", f"SPIDERMON_SMTP_PORT={smtp.port}", "-s", "RETRY_TIMES=0")
    try:
        runs = [crawl(tmp_path / "out", "http://127.0.0.1:9", *settings, timeout=120) for _ in range(2)]
    finally:
        smtp.close()
    assert [r.returncode for r in runs] == [1, 1]
    assert smtp.messages == 1
    assert "Could not send the alert by email" not in runs[0].log + runs[1].log
