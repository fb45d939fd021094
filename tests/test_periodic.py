"""The checks Spidermon runs every few minutes of a long run: a failure is
alerted when it happens, once; a recovery waits for the end of the run."""

from datetime import datetime, timezone
from types import SimpleNamespace

from scrapy.utils.test import get_crawler

from newscrawler.monitors.extension import QuietRunner
from newscrawler.monitors.suites import DuringRun
from tests.receivers import WebhookReceiver


def check_now(crawler, stats: dict):
    spider = SimpleNamespace(name="category", shard=None, _job=None)
    stats = {"start_time": datetime.now(timezone.utc), "newscrawler/run/source": "http://source.example", **stats}
    return QuietRunner().run(DuringRun(crawler=crawler), stats=stats, stats_history=[], crawler=crawler,
                             spider=spider)


def test_a_failure_mid_run_is_alerted_once_and_fails_no_run_yet(tmp_path):
    with WebhookReceiver() as hook:
        crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path), "ALERT_WEBHOOK_URL": hook.url,
                                             "ALERT_TIMEOUT": 10})
        crawler.stats.open_spider(None)
        check_now(crawler, {})
        check_now(crawler, {"newscrawler/article/failed": 2})
        check_now(crawler, {"newscrawler/article/failed": 3})
        check_now(crawler, {})
    [alert] = hook.received
    assert list(alert["failed"]) == ["Nothing given up"] and alert["recovered"] == {}
    assert "still running" in alert["text"]
    assert crawler.stats.get_value("newscrawler/run/failed") is None, "the end of the run decides"
