"""The settings a worker runs with: the add-ons decide them from REDIS_URL
and SPLASH_URL, whatever order they are given in."""

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from scrapy_splash import SplashRequest

from newscrawler.spiders.category import CategorySpider
from newscrawler.spiders.writer import WriterSpider

REDIS = "redis://127.0.0.1:1/0"  # never connected to here


def settings_of(spidercls, **settings):
    from newscrawler import settings as project
    crawler = Crawler(spidercls, Settings({
        **{name: getattr(project, name) for name in dir(project) if name.isupper()}, **settings}))
    crawler.addons.load_settings(crawler.settings)  # what Scrapy does before it builds the components
    return crawler.settings


@pytest.mark.parametrize("splash", [None, "http://127.0.0.1:8050"])
def test_a_worker_uses_the_runs_queue_and_filter_with_or_without_splash(splash):
    settings = settings_of(CategorySpider, REDIS_URL=REDIS, SPLASH_URL=splash)
    assert settings["SCHEDULER"] == "newscrawler.cluster.scheduler.ClusterScheduler"
    # Splash's add-on sets its own filter; the cluster's comes after it.
    assert settings["DUPEFILTER_CLASS"] == "newscrawler.cluster.scheduler.RunDupeFilter"
    pipelines = {k for k, v in settings.getdict("ITEM_PIPELINES").items() if v is not None}
    assert "newscrawler.pipelines.handoff.HandOffPipeline" in pipelines
    assert not pipelines & {"newscrawler.pipelines.posts.MarkdownPostPipeline",
                            "newscrawler.pipelines.jsonl.JsonLinesPipeline"}
    if splash:
        assert settings["REQUEST_FINGERPRINTER_CLASS"] == "scrapy_splash.SplashRequestFingerprinter"


def test_the_writer_keeps_the_file_pipelines_and_scrapys_scheduler():
    settings = settings_of(WriterSpider, REDIS_URL=REDIS)
    assert settings["CLUSTER_ROLE"] == "write"
    assert "ClusterScheduler" not in str(settings.get("SCHEDULER"))
    pipelines = settings.getdict("ITEM_PIPELINES")
    assert pipelines["newscrawler.pipelines.jsonl.JsonLinesPipeline"] == 500
    # The claim is taken from the stream before the validator may reject it.
    assert pipelines["newscrawler.pipelines.dedupe.DedupePipeline"] < pipelines["newscrawler.pipelines.validate.ValidatePipeline"]


def test_the_run_filter_tells_apart_splash_requests_that_differ_only_in_splash_args():
    """scrapy-redis's own fingerprint ignores Splash's arguments (its issue
    111); the run's filter uses the crawler's (Splash-aware) fingerprinter."""
    from newscrawler.cluster.scheduler import RunDupeFilter
    from scrapy_splash import SplashRequestFingerprinter
    crawler = get_crawler(CategorySpider, settings_dict={"SPLASH_URL": "http://127.0.0.1:8050"})
    dupefilter = RunDupeFilter(server=None, key="k")
    dupefilter.fingerprinter = SplashRequestFingerprinter.from_crawler(crawler)
    a = SplashRequest("http://example.com/a", args={"wait": 0.5})
    b = SplashRequest("http://example.com/a", args={"wait": 2})
    plain = Request("http://example.com/a")
    prints = {dupefilter.request_fingerprint(r) for r in (a, b, plain)}
    assert len(prints) == 3


@pytest.mark.parametrize("setting", ["CLUSTER_HEARTBEAT_TTL=0", "CLUSTER_HEARTBEAT_TTL=-1", "CLUSTER_HEARTBEAT_TTL=nan",
                                     "CLUSTER_IDLE_CLOSE=inf", "CLUSTER_IDLE_CLOSE=soon"])
def test_cluster_times_no_worker_can_use_are_refused_at_start(tmp_path, setting):
    """A heartbeat of 0 made every claim stale at once (live workers' claims
    taken and given back by the next to start); nan was a cryptic line."""
    import subprocess

    from tests.crawling import ENV, REPO_ROOT, crawl_command
    cmd = crawl_command("http://127.0.0.1:9", tmp_path / "out", "-s", "REDIS_URL=redis://127.0.0.1:9/0", "-s", setting)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    name, value = setting.split("=")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"scrapy: error: {name} must be seconds from ") and repr(value) in proc.stderr
