"""Re-runs: nothing new costs one listing page per category; new articles
cost only themselves; N processes split a crawl with -a shard=I/N."""

import subprocess

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.invariants import assert_written_exactly_once


def test_rerun_with_nothing_new_reads_one_listing_page_per_category(tmp_path):
    corpus = Corpus.generate(size=300, seed=131)
    with ReplicaServer(corpus) as replica:
        first = crawl(tmp_path / "out", replica.url)
        listing_before, text_before = replica.hits["listing"], replica.hits["text"]
        again = crawl(tmp_path / "out", replica.url)
        listing_pages = replica.hits["listing"] - listing_before
        text_requests = replica.hits["text"] - text_before
    assert first.returncode == 0 and again.returncode == 0, again.log[-2000:]
    assert listing_before > len(corpus.categories), "the first run walked every page"
    assert listing_pages == len(corpus.categories)
    assert text_requests == 0 and again.summary["written"] == 0


def test_rerun_with_new_articles_fetches_only_them(tmp_path):
    corpus = Corpus.generate(size=300, seed=132, live_rate=600)
    with ReplicaServer(corpus) as replica:
        crawl(tmp_path / "out", replica.url)
        new_so_far = corpus.live_count
        text_before = replica.hits["text"]
        again = crawl(tmp_path / "out", replica.url)
        text_requests = replica.hits["text"] - text_before
    new = {r.info_code for r in corpus.records.values() if r.live}
    assert again.returncode == 0, again.log[-2000:]
    assert again.summary["written"] >= 1
    assert text_requests == again.summary["article_requests"] == again.summary["written"]
    assert {i["info_code"] for i in again.items()[-again.summary["written"]:]} <= new
    assert corpus.live_count > new_so_far


def test_a_killed_walk_is_walked_again(tmp_path):
    corpus = Corpus.generate(size=200, seed=133)
    with ReplicaServer(corpus) as replica:
        # A run that stops early (here: after 30 items) has not walked to the end...
        crawl(tmp_path / "out", replica.url, "-s", "CLOSESPIDER_ITEMCOUNT=30")
        # ...so the next run does not stop at the first known page.
        final = crawl(tmp_path / "out", replica.url)
    assert final.returncode == 0, final.log[-2000:]
    assert_written_exactly_once(tmp_path / "out", corpus)


def test_two_shards_split_the_crawl(tmp_path):
    corpus = Corpus.generate(size=200, seed=134)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        procs = []
        for n in range(2):
            cmd = crawl_command(replica.url, output, "-a", f"shard={n}/2", name=f"-{n}")
            procs.append(subprocess.Popen(cmd, cwd=REPO_ROOT, env=ENV))
        assert [p.wait(timeout=300) for p in procs] == [0, 0]
        text_requests = replica.hits["text"]
    assert text_requests == len(corpus.records), "each listed article fetched once, by one of the two"
    assert_written_exactly_once(output, corpus)

