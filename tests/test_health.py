import pytest

from newscrawler.extensions.health import category_counts, problems
from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl


@pytest.mark.parametrize(
    "stats, previous, expected",
    [
        ({"newscrawler/ledger/done": 10}, {}, []),
        ({"spider_exceptions/KeyError": 2}, {}, ["2 spider error(s) (see the tracebacks above)"]),
        ({"newscrawler/article/failed": 1, "newscrawler/listing/failed": 1}, {},
         ["2 page(s) given up after retries"]),
        ({"newscrawler/validate/dropped/no_title": 4, "newscrawler/ledger/done": 0}, {}, []),
        ({"newscrawler/validate/dropped/no_title": 5, "newscrawler/ledger/done": 20}, {}, []),
        ({"newscrawler/validate/dropped/no_title": 6, "newscrawler/ledger/done": 20}, {},
         ["6 of 26 articles dropped (over 20%)"]),
        ({"newscrawler/category/dzrb/entries": 0}, {"dzrb": 20}, ["category dzrb listed 20 articles last run and none now"]),
        ({"newscrawler/category/dzrb/entries": 3}, {"dzrb": 20}, []),
        ({}, {"dzrb": 20}, []),  # not walked this run (-a categories=...)
        ({"newscrawler/category/dzrb/entries": 0}, {"dzrb": 0}, []),
        ({"newscrawler/index/empty": 1}, {}, ["the category index lists no category"]),
    ],
)
def test_problems(stats, previous, expected):
    assert problems(stats, previous, max_drop_rate=0.2, min_drops=5) == expected


def test_category_counts():
    assert category_counts({"newscrawler/category/a/entries": 3, "newscrawler/category/b/entries": 0, "x": 1}) == \
        {"a": 3, "b": 0}


def test_a_category_gone_empty_fails_the_run(tmp_path):
    corpus = Corpus.generate(size=60, seed=111)
    with ReplicaServer(corpus) as replica:
        first = crawl(tmp_path / "out", replica.url)
        corpus.categories["dzrb"].records.clear()
        second = crawl(tmp_path / "out", replica.url)
    assert first.returncode == 0, first.log[-2000:]
    assert second.returncode == 1
    assert "Run failed: category dzrb listed" in second.log
    assert second.summary["run_failed"].startswith("category dzrb listed")


def test_a_source_that_does_not_answer_fails_the_run_in_clear_lines(tmp_path):
    from tests.splash import free_port

    result = crawl(tmp_path / "out", f"http://127.0.0.1:{free_port()}", "-s", "RETRY_BACKOFF_BASE=0.01")
    assert result.returncode == 1
    assert "Traceback" not in result.log
    assert "/robots.txt (Connection was refused" in result.log
    assert "Gave up on listing" in result.log and "Run failed: 1 page(s) given up after retries" in result.log
    assert result.summary["written"] == 0
