import json

import pytest

from newscrawler.extensions.health import (
    INDEX_STAT,
    SOURCE_PAGES_STAT,
    category_counts,
    category_problems,
    problems,
    rate_problems,
    source_problems,
)
from newscrawler.pipelines.validate import INFO_CODE
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.replica.corpus import NOT_FOUND
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
        ({"newscrawler/category/dzrb/entries": 0}, {"dzrb": 20}, ["category dzrb listed 20 articles before and none now"]),
        ({"newscrawler/category/dzrb/entries": 3}, {"dzrb": 20}, []),
        ({}, {"dzrb": 20}, []),  # not walked this run (-a categories=...)
        ({"newscrawler/category/dzrb/entries": 0}, {"dzrb": 0}, []),
        ({"newscrawler/index/empty": 1}, {}, ["the category index lists no category"]),
        # most requested articles not found: the source changed, not the news
        ({"newscrawler/article/requested": 6, "newscrawler/article/not_found": 5}, {},
         ["5 of 6 requested articles not found (over 50%): has the text endpoint changed?"]),
        ({"newscrawler/article/requested": 4, "newscrawler/article/not_found": 4}, {}, []),
        ({"newscrawler/article/requested": 10, "newscrawler/article/not_found": 5}, {}, []),
        ({"newscrawler/article/not_found": 5}, {},
         ["5 of 5 requested articles not found (over 50%): has the text endpoint changed?"]),
    ],
)
def test_problems(stats, previous, expected):
    assert problems(stats, previous, max_drop_rate=0.2, min_drops=5, max_not_found_rate=0.5) == expected


def test_no_article_requested_is_no_not_found_problem_whatever_the_minimum():
    assert problems({"newscrawler/ledger/done": 1}, {}, max_drop_rate=0.2, min_drops=0, max_not_found_rate=0.5) == []


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


def error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "] ERROR: " in line]


def test_most_articles_not_found_fails_the_run_in_one_line(tmp_path):
    corpus = Corpus.generate(size=40, seed=112)
    for i, record in enumerate(corpus.records.values()):
        if i % 4:
            record.defect = NOT_FOUND
    corpus = Corpus(list(corpus.categories.values()))  # serves the records marked gone as 404
    with ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url)
    assert result.returncode == 1, result.log[-2000:]
    assert "Traceback" not in result.log
    gone = result.summary["not_found"]
    # Codes that could never name a file are not fetched at all.
    assert gone == sum(r.defect == NOT_FOUND and INFO_CODE.fullmatch(r.info_code) is not None
                       for r in corpus.records.values()) >= 29
    assert [line.split("] ERROR: ")[1] for line in error_lines(result.log)] == [
        f"Run failed: {gone} of {result.summary['article_requests']} requested articles not found (over 50%): "
        "has the text endpoint changed?"]


def changed(corpus: Corpus, change) -> Corpus:
    """Every article of `corpus` answered as `change` makes it (a dict in,
    a dict out), as a source that changed its text endpoint would."""
    for record in corpus.records.values():
        if record.defect != NOT_FOUND:
            record.raw_answer = json.dumps(change(record.answer()), ensure_ascii=False).encode("utf-8")
    return corpus


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda answer: {**answer, "code": 1, "message": "接口已升级"}, "unknown_code"),
        (lambda answer: {"code": 0, "data": answer}, "no_body"),
    ],
    ids=["code 1", "article moved under data"],
)
def test_a_changed_text_endpoint_fails_the_run_in_one_line(tmp_path, change, reason):
    corpus = changed(Corpus.generate(size=40, seed=113), change)
    with ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url)
    assert result.returncode == 1, result.log[-2000:]
    assert "Traceback" not in result.log
    assert result.summary["written"] == 0
    dropped = result.summary["dropped_by_reason"]
    assert dropped[reason] >= 30, dropped
    [line] = error_lines(result.log)
    assert f"Run failed: {result.summary['dropped']} of {result.summary['dropped']} articles dropped" in line


def test_a_code_given_as_a_string_still_makes_posts(tmp_path):
    corpus = changed(Corpus.generate(size=40, seed=114), lambda answer: {**answer, "code": "0"})
    with ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url)
    assert result.returncode == 0, result.log[-2000:]
    assert {i["info_code"] for i in result.items()} == {r.info_code for r in corpus.writable()}


@pytest.mark.parametrize(
    "counts, expected",
    [
        # A few vanish every run: they add up over the window.
        ([{"requested": 4, "not_found": 4, "dropped": 0, "written": 0}] * 2,
         ["8 of 8 requested articles not found (over 50%) over the last 2 runs: has the text endpoint changed?"]),
        ([{"requested": 4, "not_found": 4, "dropped": 0, "written": 0}], []),
        # This run has none: it passes, whatever came before.
        ([{"requested": 40, "not_found": 40, "dropped": 0, "written": 0},
          {"requested": 4, "not_found": 0, "dropped": 0, "written": 4}], []),
        ([{"requested": 3, "not_found": 0, "dropped": 3, "written": 0}] * 3,
         ["9 of 9 articles dropped (over 20%) over the last 3 runs"]),
        # A run whose articles all vanish fails, however many the runs before wrote.
        ([{"requested": 200, "not_found": 0, "dropped": 0, "written": 200},
          {"requested": 40, "not_found": 40, "dropped": 0, "written": 0}],
         ["40 of 40 requested articles not found (over 50%): has the text endpoint changed?"]),
        ([{"requested": 200, "not_found": 0, "dropped": 0, "written": 200},
          {"requested": 40, "not_found": 0, "dropped": 40, "written": 0}],
         ["40 of 40 articles dropped (over 20%)"]),
    ],
)
def test_rates_add_up_over_recent_runs(counts, expected):
    assert rate_problems(counts, max_drop_rate=0.2, min_drops=5, max_not_found_rate=0.5) == expected


def test_a_source_losing_a_few_articles_every_run_fails(tmp_path):
    # Runs every five minutes see three new articles each; then the text
    # endpoint loses every new one. No run alone reaches HEALTH_MIN_DROPS.
    corpus = Corpus.generate(size=30, seed=113)
    window = ("-s", "HEALTH_WINDOW=3")
    with ReplicaServer(corpus) as replica:
        assert crawl(tmp_path / "out", replica.url, *window).returncode == 0
        for _ in range(2):
            corpus.add_live(3, cid="dzrb")
            assert crawl(tmp_path / "out", replica.url, *window).returncode == 0
        runs = []
        for _ in range(3):
            for record in corpus.categories["dzrb"].records[:corpus.add_live(3, cid="dzrb")]:
                corpus._gone.add(record.info_code)
            runs.append(crawl(tmp_path / "out", replica.url, *window))
    assert runs[0].returncode == 0, "3 of 9 in the window"
    assert [run.returncode for run in runs[1:]] == [1, 1]
    assert "6 of 9 requested articles not found (over 50%) over the last 3 runs" in runs[1].log


@pytest.mark.parametrize("stats, expected", [
    ({INDEX_STAT: 2, "newscrawler/category/a/entries": 5, "newscrawler/category/b/entries": 3}, []),
    ({INDEX_STAT: 1, "newscrawler/category/a/entries": 5},
     ["category b listed 10 articles before and the index no longer lists it"]),
    ({"newscrawler/category/a/entries": 5}, []),  # -a categories=a: the index was not read
])
def test_a_category_gone_from_the_index(stats, expected):
    assert category_problems(stats, {"a": 5, "b": 10}) == expected


@pytest.mark.parametrize("stats, expected", [
    ({"finish_reason": "finished", SOURCE_PAGES_STAT: 3}, []),
    ({"finish_reason": "shutdown"}, []),  # RunFinished says why
    ({"finish_reason": "finished"}, ["the run read no page of the source (with -s JOBDIR: that job has ended or "
                                     "its queue is broken; remove the folder)"]),
])
def test_a_run_that_read_nothing(stats, expected):
    assert source_problems(stats) == expected


def test_a_jobdir_of_a_job_that_ended_fails_the_next_run(tmp_path):
    corpus = Corpus.generate(size=40, seed=114)
    jobdir = ("-s", f"JOBDIR={tmp_path / 'job'}")
    with ReplicaServer(corpus) as replica:
        assert crawl(tmp_path / "out", replica.url, *jobdir).returncode == 0
        corpus.add_live(5)
        again = crawl(tmp_path / "out", replica.url, *jobdir)
    assert again.returncode == 1 and "the run read no page of the source" in again.log


def test_a_worker_of_many_is_judged_by_the_pages_its_run_read():
    """The worker that began a run may read no page itself (others took
    them from the shared queue): it failed 'read no page of the source'."""
    from newscrawler.extensions.health import RUN_PAGES_STAT, source_problems
    seeder = {"finish_reason": "finished", RUN_PAGES_STAT: 9}
    assert source_problems(seeder) == []
    assert source_problems({"finish_reason": "finished", RUN_PAGES_STAT: 0})[0].startswith(
        "no worker of the run read a page of the source")
    assert source_problems({"finish_reason": "finished", "newscrawler/cluster/not_seeding": 1}) == []  # the writer
    assert source_problems({"finish_reason": "finished"})[0].startswith("the run read no page of the source")
