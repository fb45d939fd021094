"""Spidermon monitors on real crawls: a healthy run passes them all; each
kind of failure fails the right one, exits 1, and is alerted once (to a
real SMTP server and a webhook receiver); the recovery is alerted once."""

import json
import pickle

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import crawl
from tests.item_errors import with_item_errors
from tests.receivers import SmtpServer, WebhookReceiver, alert_settings, smtp_missing


@pytest.fixture
def receivers():
    if reason := smtp_missing():
        pytest.skip(reason)
    with SmtpServer() as smtp, WebhookReceiver() as hook:
        yield smtp, hook


def checks_failed(log: str) -> set[str]:
    return {line.split("Check failed: ", 1)[1].split(":")[0] for line in log.splitlines() if "Check failed: " in line}


def history(output):
    with (output / "runs" / "category.history").open("rb") as f:
        return list(pickle.load(f))


def test_a_healthy_run_passes_every_monitor(tmp_path, receivers):
    smtp, hook = receivers
    corpus = Corpus.generate(size=60, seed=201)
    with ReplicaServer(corpus) as replica:
        runs = [crawl(tmp_path / "out", replica.url, *alert_settings(smtp, hook)) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.log[-3000:]
        assert checks_failed(run.log) == set() and run.summary["run_failed"] is None
        assert "Traceback" not in run.log and "] ERROR: " not in run.log
    assert smtp.messages == [] and hook.received == []
    recorded = history(tmp_path / "out")
    assert [r.get("newscrawler/ledger/done", 0) for r in recorded] == [0, runs[0].summary["written"]]
    assert all(r["newscrawler/monitor/runs"] == 1 and "newscrawler/run/failed" not in r for r in recorded)


def answered(records, change):
    for record in records:
        record.raw_answer = json.dumps(change(record.answer()), ensure_ascii=False).encode("utf-8")


def new_articles(corpus, change=None):
    count = corpus.add_live(8, cid="dzrb")
    if change:
        answered(corpus.categories["dzrb"].records[:count], change)


class QuietCategory:
    check = "Categories list articles"
    args = ()

    def break_(self, corpus, replica):
        self.saved = self.saved if hasattr(self, "saved") else list(corpus.categories["dzrb"].records)
        corpus.categories["dzrb"].records.clear()

    def mend(self, corpus, replica):
        corpus.categories["dzrb"].records[:] = self.saved


class DeadSource:
    check = "Nothing given up"
    args = ("-s", "RETRY_BACKOFF_BASE=0.01")

    def break_(self, corpus, replica):
        replica.faults = Faults(drop_rate=1.0)

    def mend(self, corpus, replica):
        replica.faults = Faults()


class HighDropRate:
    check = "Drop rates"
    args = ()

    def break_(self, corpus, replica):
        new_articles(corpus, lambda answer: {**answer, "code": 1, "message": "接口已升级"})

    def mend(self, corpus, replica):
        new_articles(corpus)


class EmptyBodies(HighDropRate):
    check = "Field coverage"

    def break_(self, corpus, replica):
        new_articles(corpus, lambda answer: {**answer, "text": "<p>\u3000\u3000</p>"})


class ItemErrors(HighDropRate):
    check = "No errors"
    args = with_item_errors()

    def break_(self, corpus, replica):
        new_articles(corpus)


@pytest.mark.parametrize("failure", [QuietCategory, DeadSource, HighDropRate, EmptyBodies, ItemErrors],
                         ids=["category gone quiet", "dead source", "high drop rate", "empty bodies", "item error"])
def test_a_failure_is_alerted_once_and_its_recovery_once(tmp_path, receivers, failure):
    smtp, hook = receivers
    failure = failure()
    corpus = Corpus.generate(size=40, seed=202)
    alerts = alert_settings(smtp, hook)
    with ReplicaServer(corpus) as replica:
        healthy = crawl(tmp_path / "out", replica.url, *alerts)
        failed = []
        for _ in range(2):
            failure.break_(corpus, replica)
            failed.append(crawl(tmp_path / "out", replica.url, *alerts, *failure.args))
            sent = (len(smtp.messages), len(hook.received))
            assert sent == (1, 1), (sent, failed[-1].log[-3000:])
        failure.mend(corpus, replica)
        recovered = crawl(tmp_path / "out", replica.url, *alerts)

    assert healthy.returncode == 0 and checks_failed(healthy.log) == set(), healthy.log[-3000:]
    for run in failed:
        assert run.returncode == 1, run.log[-3000:]
        assert failure.check in checks_failed(run.log), run.log[-3000:]
        assert run.summary["run_failed"]
    assert recovered.returncode == 0, recovered.log[-3000:]
    assert checks_failed(recovered.log) == set()

    # One alert when it started: the run, the failed checks, the figures.
    [mail, recovery_mail] = smtp.messages
    assert failure.check in mail["Subject"] and mail["To"] == "ops@example.test"
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Run: category on http://127.0.0.1:" in body and f"- {failure.check}" in body
    assert failed[0].summary["run_failed"].split("; ")[0] in body
    assert "Figures: " in body and len(body.splitlines()) < 25
    [hooked, recovery_hook] = hook.received
    assert failure.check in hooked["subject"] and set(hooked["failed"]) == {
        key for key in hooked["failed"] if key.startswith(tuple(checks_failed(failed[0].log)))}
    assert body.strip() in hooked["text"]
    # One when it recovered.
    assert recovery_mail["Subject"].startswith("newscrawler: recovered: ") and failure.check in recovery_mail["Subject"]
    assert "Recovered:" in recovery_mail.get_body(("plain",)).get_content()
    assert recovery_hook["failed"] == {} and failure.check in " ".join(recovery_hook["recovered"])
