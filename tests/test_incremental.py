"""Re-runs: nothing new costs one listing page per category; new articles
cost only themselves; N processes split a crawl with -a shard=I/N."""

import subprocess
import sys
import time

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.invariants import assert_written_exactly_once
from tests.killpoints import with_kill_at


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
    fetchable = [r for r in corpus.records.values() if r.defect != "bad_info_code"]  # never fetched
    assert text_requests == len(fetchable), "each listed article fetched once, by one of the two"
    assert_written_exactly_once(output, corpus)



# Gaps below the first page: a run that does not finish its walk (a page
# given up, an article given up, a kill) must leave what it missed to the
# next runs, never to nobody.

def test_a_listing_page_given_up_is_walked_again(tmp_path):
    corpus = Corpus.generate(size=120, seed=135)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        assert crawl(output, replica.url).returncode == 0
        corpus.add_live(60, cid="dzrb")
        for page in (2, 3):
            replica.outages[f"/category/dzrb.html?page={page}"] = 503
        broken = crawl(output, replica.url, "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.01")
        replica.outages.clear()
        healthy = [crawl(output, replica.url) for _ in range(2)]
    assert broken.returncode == 1 and "Gave up on listing" in broken.log
    assert 0 < broken.summary["written"] < 60
    assert [run.returncode for run in healthy] == [0, 0], healthy[0].log[-2000:]
    assert broken.summary["written"] + healthy[0].summary["written"] == 60
    assert healthy[1].summary["written"] == 0
    assert_written_exactly_once(output, corpus)


def test_articles_given_up_below_the_first_page_are_fetched_later(tmp_path):
    corpus = Corpus.generate(size=120, seed=136)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        assert crawl(output, replica.url).returncode == 0
        corpus.add_live(50, cid="zqsb")
        deep = [r.info_code for r in corpus.listing("zqsb", 2) + corpus.listing("zqsb", 3) if r.live][::7]
        for code in deep:
            replica.outages[f"/NewsData/GetNewsText.do?id={code}"] = 503
        broken = crawl(output, replica.url, "-s", "RETRY_TIMES=0")
        replica.outages.clear()
        healthy = crawl(output, replica.url)
    assert broken.returncode == 1 and broken.summary["failed"] == len(deep)
    assert healthy.returncode == 0 and healthy.summary["written"] == len(deep)
    assert_written_exactly_once(output, corpus)


def test_a_run_killed_after_the_first_page_leaves_nothing_behind(tmp_path):
    corpus = Corpus.generate(size=120, seed=137)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        assert crawl(output, replica.url).returncode == 0
        corpus.add_live(60, cid="dzrb")
        killed = crawl(output, replica.url, "-a", "categories=dzrb", *with_kill_at(900, 22))
        healthy = [crawl(output, replica.url) for _ in range(2)]
    assert killed.returncode == -9
    assert [run.returncode for run in healthy] == [0, 0], healthy[0].log[-2000:]
    assert healthy[1].summary["written"] == 0
    assert_written_exactly_once(output, corpus)


def test_a_walk_that_overlaps_another_runs_pending_articles_is_not_complete(tmp_path):
    # Run B meets articles run A has claimed; A is killed before writing
    # them. B's walk must not become the watermark: the next run walks down
    # to them and writes them.
    corpus = Corpus.generate(size=120, seed=138)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        assert crawl(output, replica.url).returncode == 0
        corpus.add_live(45, cid="dzrb")
        deep = [r.info_code for r in corpus.listing("dzrb", 2)]
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_CLAIMS, str(output / "dedupe.sqlite3"), *deep],
            stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "claimed"
        overlapping = crawl(output, replica.url)
        holder.kill()
        holder.wait()
        healthy = crawl(output, replica.url)
    assert overlapping.summary["written"] == 45 - len(deep)
    assert "is not complete" in overlapping.log
    assert healthy.returncode == 0 and healthy.summary["written"] == len(deep)
    assert_written_exactly_once(output, corpus)


HOLD_CLAIMS = """
import sys, time
from newscrawler.store import SQLiteSeenStore
store = SQLiteSeenStore(sys.argv[1])
for code in sys.argv[2:]:
    assert store.claim(code)
print("claimed", flush=True)
time.sleep(600)
"""


def test_an_endless_listing_stops_at_the_page_limit(tmp_path):
    corpus = Corpus.generate(size=60, seed=139)
    corpus.categories["dzrb"].pager = "endless"
    corpus.categories["cqrb"].pager = "stuck"
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        first = crawl(output, replica.url, "-s", "CATEGORY_MAX_PAGES=12", timeout=120)
        pages_first = replica.hits["listing"]
        again = crawl(output, replica.url, "-s", "CATEGORY_MAX_PAGES=12", timeout=120)
        pages_again = replica.hits["listing"] - pages_first
    assert "Category dzrb: stopped after CATEGORY_MAX_PAGES=12 pages" in first.log
    assert "Category cqrb: page" in first.log and "repeats what the listing showed already" in first.log
    stats = first.summary
    assert stats["written"] == len(corpus.writable())
    assert pages_again == len(corpus.categories), "both walks ended complete: the next run reads one page each"
    assert again.summary["written"] == 0


@pytest.mark.parametrize("again", ["/category/dzrb.html?page=1", "/category/dzrb.html#top", "./dzrb.html"])
def test_a_category_listed_twice_in_the_index_is_walked_once(tmp_path, again):
    corpus = Corpus.generate(size=200, seed=140)
    corpus.index_extra = [(again, "大众日报")]
    with ReplicaServer(corpus) as replica:
        runs = [crawl(tmp_path / "out", replica.url)]
        first_pages = replica.hits["listing"]
        runs.append(crawl(tmp_path / "out", replica.url))
    assert [run.returncode for run in runs] == [0, 0]
    assert first_pages == sum(corpus.page_count(cid) for cid in corpus.categories), "each page read once"
    assert_written_exactly_once(tmp_path / "out", corpus)


@pytest.mark.parametrize("burst", [20, 40, 60])
def test_pages_of_new_articles_arriving_mid_walk_lose_nothing(tmp_path, burst):
    # New articles between the fetches of pages 3 and 4: each of the next
    # pages shows what an earlier page showed (burst/20 of them), at new
    # URLs. Repeats like these do not end the walk.
    corpus = Corpus.generate(size=600, seed=141)
    with ReplicaServer(corpus) as replica:
        replica.before["/category/dzrb.html?page=4"] = lambda: corpus.add_live(burst, cid="dzrb")
        runs = [crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb") for _ in range(3)]
    assert [run.returncode for run in runs] == [0, 0, 0]
    listed = {r.info_code for r in corpus.categories["dzrb"].records if r.defect is None}
    assert_written_exactly_once(tmp_path / "out", expected=listed)


def test_an_article_that_moves_up_mid_walk_is_found_by_the_next_full_walk(tmp_path):
    # The newest article is taken down while the walk is between pages 2
    # and 3: the first article of page 3 moves up to page 2, already read.
    corpus = Corpus.generate(size=400, seed=142)
    records = corpus.categories["dzrb"].records
    skipped, deleted = records[40].info_code, records[0].info_code
    with ReplicaServer(corpus) as replica:
        replica.before["/category/dzrb.html?page=3"] = lambda: (corpus._gone.add(records[0].info_code),
                                                               records.pop(0))
        first = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb")
        written_first = {i["info_code"] for i in first.items()}
        incremental = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb")
        time.sleep(1.1)
        full = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb", "-s", "FULL_WALK_EVERY=1")
    assert skipped not in written_first
    assert incremental.summary["written"] == 0, "an incremental walk cannot see it (README: not guaranteed)"
    assert "a full walk" in full.log and full.summary["written"] == 1
    listed = {r.info_code for r in records if r.defect is None}
    assert_written_exactly_once(tmp_path / "out", expected=listed | {deleted})  # written before it was deleted


def test_a_next_link_that_redirects_to_a_page_already_read_ends_the_walk(tmp_path):
    corpus = Corpus.generate(size=200, seed=143)
    corpus.categories["dzrb"].pager = "stuck"
    pages = corpus.page_count("dzrb")
    with ReplicaServer(corpus) as replica:
        replica.redirects[f"/category/dzrb.html?page={pages + 1}"] = f"/category/dzrb.html?page={pages - 1}"
        first = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb")
        before = replica.hits["listing"]
        again = crawl(tmp_path / "out", replica.url, "-a", "categories=dzrb")
        pages_again = replica.hits["listing"] - before
    assert first.returncode == 0 and "repeats what the listing showed already" in first.log
    assert pages_again == 1, "the walk completed: the next run reads one page"
    assert again.summary["written"] == 0
