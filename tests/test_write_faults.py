"""The output cannot be written, or the crawler dies between two writes:
every article not written is named and counted, the run exits 1 without a
traceback, nothing half-written stays, and a later run writes it once."""

import re
import signal

import pytest
import subprocess
import time

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store import SQLiteSeenStore
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.disks import immutable, resize, tiny_filesystem
from tests.invariants import assert_written_exactly_once, jsonl_codes
from tests.killpoints import with_kill_at

NOT_WRITTEN = re.compile(r"ERROR: Dropped article (\S+): not written: (.+)")


def assert_failed_cleanly(result, causes: str):
    """Exit 1, no traceback, each article not written in one ERROR line
    with the cause, and counted; what the summary calls written is what
    items.jsonl holds."""
    assert result.returncode == 1, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    failed = NOT_WRITTEN.findall(result.log)
    assert failed, result.log[-3000:]
    assert all(re.search(causes, cause) for _, cause in failed), failed
    assert result.summary["not_written"] == len(failed)
    assert "Run failed:" in result.log


def test_a_disk_that_fills_up_mid_run(tmp_path):
    corpus = Corpus.generate(size=120, seed=151, sentences=(30, 50))
    output = tmp_path / "out"
    store = tmp_path / "store" / "dedupe.sqlite3"
    uri = ("-s", f"DEDUPE_STORE_URI=sqlite:///{store}")
    with tiny_filesystem(output, "300k"), ReplicaServer(corpus) as replica:
        full = crawl(output, replica.url, *uri)
        written_when_full = jsonl_codes(output)  # every line parses
        resize(output, "64m")
        healthy = crawl(output, replica.url, *uri)
        assert healthy.returncode == 0, healthy.log[-3000:]
        assert_written_exactly_once(output, corpus, store_path=store)
    assert_failed_cleanly(full, "ENOSPC")
    assert "Stopping the run: the output cannot be written" in full.log
    assert full.summary["written"] == len(written_when_full) > 0
    assert healthy.summary["written"] == len(corpus.writable()) - len(written_when_full)


def test_items_jsonl_fills_the_disk_mid_line(tmp_path):
    # Posts and category pages on a roomy filesystem, items.jsonl on a tiny
    # one: the disk fills in the middle of a JSON line.
    corpus = Corpus.generate(size=120, seed=150, sentences=(30, 50))
    output = tmp_path / "out"
    store = tmp_path / "store" / "dedupe.sqlite3"
    uri = ("-s", f"DEDUPE_STORE_URI=sqlite:///{store}")
    with tiny_filesystem(output, "200k"), tiny_filesystem(output / "_posts", "64m"), \
            tiny_filesystem(output / "category", "1m"), ReplicaServer(corpus) as replica:
        full = crawl(output, replica.url, *uri)
        written_when_full = jsonl_codes(output)  # every line parses: the partial one was cut
        assert len(list((output / "_posts").glob("*.md"))) == len(written_when_full), "no post without its line"
        resize(output, "64m")
        healthy = crawl(output, replica.url, *uri)
        assert healthy.returncode == 0, healthy.log[-3000:]
        assert_written_exactly_once(output, corpus, store_path=store)
    assert_failed_cleanly(full, "items.jsonl: ENOSPC")
    assert full.summary["written"] == len(written_when_full) > 0


def test_a_full_disk_that_holds_the_store_too(tmp_path):
    corpus = Corpus.generate(size=120, seed=152, sentences=(30, 50))
    output = tmp_path / "out"
    with tiny_filesystem(output, "400k"), ReplicaServer(corpus) as replica:
        full = crawl(output, replica.url)
        jsonl_codes(output)
        resize(output, "64m")
        healthy = crawl(output, replica.url)
        assert healthy.returncode == 0, healthy.log[-3000:]
        assert_written_exactly_once(output, corpus)
    assert full.returncode == 1 and "Traceback" not in full.log, full.log[-3000:]
    assert "Stopping the run" in full.log


def test_posts_folder_that_stops_being_writable_mid_run(tmp_path):
    corpus = Corpus.generate(size=200, seed=153)
    output = tmp_path / "out"
    (output / "_posts").mkdir(parents=True)
    with ReplicaServer(corpus) as replica:
        with immutable(output / "_posts", now=False) as freeze:
            frozen = []

            def once_five_are_written():
                jsonl = output / "items.jsonl"
                if not frozen and jsonl.exists() and jsonl.read_bytes().count(b"\n") >= 5:
                    frozen.append(freeze())

            for code in corpus.records:
                replica.before[f"/NewsData/GetNewsText.do?id={code}"] = once_five_are_written
            refused = crawl(output, replica.url, "-s", "CONCURRENT_REQUESTS=1")
        written_when_refused = jsonl_codes(output)
        store = SQLiteSeenStore(output / "dedupe.sqlite3")
        assert store.done_codes() == set(jsonl_codes(output)) and store.pending_mine() == []
        assert [code for code, _ in store.stale_claims()] == [], "every claim given back"
        store.close()
        healthy = crawl(output, replica.url)
    assert_failed_cleanly(refused, "EPERM")
    assert refused.summary["written"] == len(written_when_refused) > 0
    assert healthy.returncode == 0
    assert_written_exactly_once(output, corpus)


@pytest.mark.parametrize("name", ["_posts", "items.jsonl"])
def test_an_output_that_cannot_be_written_at_start_is_one_line(tmp_path, name):
    corpus = Corpus.generate(size=20, seed=160)
    output = tmp_path / "out"
    output.mkdir()
    (output / "_posts").mkdir()
    (output / "items.jsonl").write_bytes(b"")
    with ReplicaServer(corpus) as replica, immutable(output / name):
        refused = crawl(output, replica.url)
        text_requests = replica.hits["text"]
    assert refused.returncode == 2 and text_requests == 0
    assert f"error: {output / name} is not writable" in refused.log
    assert "Traceback" not in refused.log


def test_a_category_page_that_fails_after_the_post(tmp_path):
    # category/ stops being writable once the first categories have their
    # page: the post of an article of a category met later is written, then
    # its category page fails; the post must not stay without its line.
    corpus = Corpus.generate(size=200, seed=154)
    output = tmp_path / "out"
    (output / "category").mkdir(parents=True)
    with ReplicaServer(corpus) as replica:
        with immutable(output / "category", now=False) as freeze:
            frozen = []

            def once_a_category_page_is_written():
                if not frozen and any((output / "category").glob("*.html")):
                    frozen.append(freeze())

            for code in corpus.records:
                replica.before[f"/NewsData/GetNewsText.do?id={code}"] = once_a_category_page_is_written
            broken = crawl(output, replica.url, "-s", "CONCURRENT_REQUESTS=1")
            lines = set(jsonl_codes(output))
            posts = {p.name[11:-3] for p in (output / "_posts").glob("*.md")}
        healthy = crawl(output, replica.url)
    assert posts == lines, "no post stays without its JSON line"
    assert_failed_cleanly(broken, "category page")
    assert healthy.returncode == 0
    assert_written_exactly_once(output, corpus)


def orphan_post(output):
    """The one post without a JSON line, and its infoCode."""
    lines = set(jsonl_codes(output))
    [orphan] = [p for p in (output / "_posts").glob("*.md") if p.name[11:-3] not in lines]
    return orphan, orphan.name[11:-3]


def test_killed_between_post_and_json_line_then_the_source_redates_the_article(tmp_path):
    corpus = Corpus.generate(size=60, seed=155)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        killed = crawl(output, replica.url, *with_kill_at(450, 7))
        _, code = orphan_post(output)
        record = corpus.records[code]
        record.showtime = "2021-03-04 05:06:07"  # the source corrects the date
        healthy = crawl(output, replica.url)
    assert killed.returncode == -9
    assert healthy.returncode == 0, healthy.log[-3000:]
    posts = [p.name for p in (output / "_posts").glob(f"*-{code}.md")]
    assert posts == [f"2021-03-04-{code}.md"], "one post, under the date the source gives now"
    assert_written_exactly_once(output, corpus)


def test_killed_between_post_and_json_line_then_the_article_is_gone(tmp_path):
    corpus = Corpus.generate(size=60, seed=156)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        crawl(output, replica.url, *with_kill_at(450, 7))
        _, code = orphan_post(output)
        corpus._gone.add(code)
        healthy = crawl(output, replica.url)
    assert healthy.returncode == 0, healthy.log[-3000:]
    assert not list((output / "_posts").glob(f"*-{code}.md")), "no orphan post"
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    assert store.states([code]) == {code: "rejected"}
    store.close()
    assert_written_exactly_once(output, expected={r.info_code for r in corpus.writable()} - {code})


def test_killed_between_json_line_and_done(tmp_path):
    corpus = Corpus.generate(size=60, seed=157)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        crawl(output, replica.url, *with_kill_at(850, 9))
        healthy = crawl(output, replica.url)
    assert "1 were fully written (now marked done)" in healthy.log
    assert_written_exactly_once(output, corpus)


def test_ctrl_c_gives_back_what_it_did_not_write(tmp_path):
    corpus = Corpus.generate(size=200, seed=158)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        proc = subprocess.Popen(crawl_command(replica.url, output, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"),
                                cwd=REPO_ROOT, env=ENV)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(jsonl_codes(output) if (output / "items.jsonl").exists() else []) < 15:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 1
        store = SQLiteSeenStore(output / "dedupe.sqlite3")
        store.owner = "someone else:1"
        assert store.stale_claims() == [], "no claim left pending"
        done = store.done_codes()
        store.close()
        assert done == set(jsonl_codes(output))
        healthy = crawl(output, replica.url)
    assert "A killed run left" not in healthy.log
    assert_written_exactly_once(output, corpus)


def test_scrapy_parse_leaves_no_claim_pending(tmp_path):
    corpus = Corpus.generate(size=60, seed=159)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        proc = subprocess.run(
            [*crawl_command(replica.url, output)[:3], "parse", "--spider=category", "-c", "parse_listing",
             "-s", f"OUTPUT_DIR={output}", f"{replica.url}/category/dzrb.html"],
            cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-3000:]
        store = SQLiteSeenStore(output / "dedupe.sqlite3")
        store.owner = "someone else:1"
        assert store.stale_claims() == []
        store.close()
        healthy = crawl(output, replica.url)
    assert "A killed run left" not in healthy.log
    assert_written_exactly_once(output, corpus)


def test_a_post_name_too_long_for_its_path(tmp_path):
    # OUTPUT_DIR so deep that a temp file's path fits PATH_MAX (4096) and
    # the post's does not: ENAMETOOLONG for every post, twice.
    corpus = Corpus.generate(size=20, seed=162)
    target = 4096 - len("/_posts/") - len("2026-11-26-NW202201182251444627.md") + 4
    output = tmp_path
    while len(str(output)) < target:
        output = output / ("d" * min(200, target - len(str(output)) - 1))
    assert len(str(output)) == target
    store = tmp_path / "store" / "dedupe.sqlite3"
    settings = ("-s", f"DEDUPE_STORE_URI=sqlite:///{store}")
    with ReplicaServer(corpus) as replica:
        runs = [crawl(output, replica.url, *settings) for _ in range(2)]
    for run in runs:
        assert_failed_cleanly(run, "post .*_posts/.*ENAMETOOLONG")
    check = SQLiteSeenStore(store)
    check.owner = "someone else:1"
    assert check.stale_claims() == [] and check.done_codes() == set(), "every claim given back"
    check.close()


@pytest.mark.parametrize("name, make, says", [
    ("_posts", lambda p: p.write_text("a file"), "is not a folder"),
    ("category", lambda p: p.write_text("a file"), "is not a folder"),
    ("_posts", lambda p: p.symlink_to(p.parent / "nowhere"), "is a broken symbolic link"),
    ("items.jsonl", lambda p: p.mkdir(), "is not a regular file"),
    ("status.html", lambda p: p.mkdir(), "is not a regular file"),
    ("runs", lambda p: p.write_text("a file"), "is not a folder"),
])
def test_an_output_of_the_wrong_kind_is_one_line(tmp_path, name, make, says):
    corpus = Corpus.generate(size=20, seed=161)
    output = tmp_path / "out"
    output.mkdir()
    make(output / name)
    with ReplicaServer(corpus) as replica:
        refused = crawl(output, replica.url)
        requests = sum(replica.hits.values())
    assert refused.returncode == 2 and requests == 0
    assert f"{output / name} {says}" in refused.log and "Traceback" not in refused.log
