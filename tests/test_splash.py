"""Share pages rendered by a real Splash 3.5 give the text endpoint's items."""

import shutil
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from newscrawler.replica.corpus import BEIJING
from tests.crawling import crawl
from tests.receivers import WebhookReceiver
from tests.splash import SplashServer, free_port, splash_missing

SEED = Path(__file__).parent / "fixtures" / "seed"


@pytest.fixture(scope="module")
def splash(tmp_path_factory):
    if reason := splash_missing():
        pytest.skip(reason)
    server = SplashServer(tmp_path_factory.mktemp("splash") / "splash.log").start()
    yield server
    server.stop()


def old_corpus(size: int) -> Corpus:
    # Three days old: listings show absolute times only, so two crawls a
    # minute apart read the same times.
    return Corpus.generate(size=size, seed=11, anchor=datetime.now(BEIJING) - timedelta(days=3))


def by_code(items: list[dict]) -> dict:
    return {i["info_code"]: {k: v for k, v in i.items() if k != "crawled_at"} for i in items}


def test_splash_and_text_endpoint_give_identical_items(splash, tmp_path):
    with ReplicaServer(old_corpus(70)) as replica:
        text = crawl(tmp_path / "text", replica.url, "-a", "categories=dzrb,cqrb,zgzqb")
        rendered = crawl(tmp_path / "splash", replica.url, "-a", "categories=dzrb,cqrb,zgzqb",
                         "-s", f"SPLASH_URL={splash.url}")
        share_hits = replica.hits["share"]
    assert text.returncode == 0 and rendered.returncode == 0, rendered.log[-3000:]
    assert rendered.summary["splash_rendered"] == rendered.summary["written"] + rendered.summary["dropped"]
    assert rendered.summary["splash_fallback"] == 0
    assert share_hits >= rendered.summary["splash_rendered"]
    assert len(text.items()) > 20
    assert by_code(rendered.items()) == by_code(text.items())
    assert rendered.posts() == text.posts()
    assert rendered.summary["dropped_by_reason"] == text.summary["dropped_by_reason"]


def test_seed_through_splash(splash, tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    shutil.copy(SEED / "GetNewsText-NW202201182251444627.json", answers)
    corpus = Corpus.generate(size=0)
    corpus.add_answers(answers)
    with ReplicaServer(corpus) as replica:
        args = ("-s", "SHARE_BASE_URL=http://finews.zning.xyz")
        rendered = crawl(tmp_path / "splash", replica.url, *args, "-s", f"SPLASH_URL={splash.url}")
        text = crawl(tmp_path / "text", replica.url, *args)
    assert rendered.summary["splash_rendered"] == 1
    assert rendered.posts() == text.posts()
    assert list(rendered.posts()) == ["2022-01-18-NW202201182251444627.md"]


def test_splash_stopped_mid_crawl_is_one_event_and_loses_nothing(tmp_path):
    if reason := splash_missing():
        pytest.skip(reason)
    splash = SplashServer(tmp_path / "splash.log").start()
    corpus = old_corpus(120)
    with ReplicaServer(corpus, faults=Faults(latency=0.02)) as replica, WebhookReceiver() as hook:
        def stop_splash_after_some_pages():
            deadline = time.monotonic() + 120
            while replica.hits["share"] < 15 and time.monotonic() < deadline:
                time.sleep(0.05)
            splash.stop()

        killer = threading.Thread(target=stop_splash_after_some_pages)
        killer.start()
        result = crawl(tmp_path / "out", replica.url, "-s", f"SPLASH_URL={splash.url}",
                       "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "SPLASH_RETRY_AFTER=0.5",
                       "-s", f"ALERT_WEBHOOK_URL={hook.url}")
        killer.join()
    assert result.returncode == 0, result.log[-3000:]
    summary = result.summary
    assert summary["splash_rendered"] >= 1
    assert summary["splash_fallback"] >= 1
    written = {i["info_code"] for i in result.items()}
    assert written == {r.info_code for r in corpus.writable()}
    assert len(result.items()) == len(written)
    # One event: one WARNING, no ERROR line, no line per article; a monitor
    # reports it and alerts, while the run, having lost nothing, succeeds.
    [outage] = [line for line in result.log.splitlines() if "reading articles from the text endpoint" in line]
    assert "] WARNING: Splash at " in outage
    assert "] ERROR: " not in result.log and "reading it from the text endpoint" not in result.log
    assert "Check failed: Splash renders: Splash went down 1 time(s)" in result.log
    [alert] = hook.received
    assert list(alert["failed"]) == ["Splash renders"] and "nothing lost" in alert["text"]


def test_splash_down_at_start_is_a_clear_error(tmp_path):
    with ReplicaServer(Corpus.generate(size=20)) as replica:
        result = crawl(tmp_path / "out", replica.url, "-s", f"SPLASH_URL=http://127.0.0.1:{free_port()}")
        hits = sum(replica.hits.values())
    assert result.returncode == 1
    assert "does not answer" in result.log and "unset SPLASH_URL" in result.log
    assert "Traceback" not in result.log
    assert result.summary["finish_reason"] == "splash_unavailable"
    assert result.posts() == {} and hits == 0


def test_a_rendered_page_loads_nothing_from_another_host(splash, tmp_path):
    # A share page redirected to another host, and a body whose image and
    # iframe point there: the render loads nothing of that host.
    corpus = old_corpus(40)
    other = Corpus.generate(size=5, seed=12)
    with ReplicaServer(other, host="127.0.0.2") as elsewhere, ReplicaServer(corpus) as replica:
        first, second = (r.info_code for r in corpus.listing("dzrb", 1)[:2])
        replica.redirects[f"/html_News/NewsShare.html?infoCode={first}"] = \
            f"{elsewhere.url}/html_News/NewsShare.html?infoCode={next(iter(other.records))}"
        corpus.records[second].text += f'<p><img src="{elsewhere.url}/x.png"><iframe src="{elsewhere.url}/y"></iframe></p>'
        result = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb", "-s", f"SPLASH_URL={splash.url}")
        hits = sum(elsewhere.hits.values())
    assert result.returncode == 0, result.log[-3000:]
    assert hits == 0, "the render loaded nothing from another host"
    titles = {i["info_code"]: i["title"] for i in result.items()}
    assert titles[first] == corpus.records[first].clean_title, "the article of the source, not of the other host"
