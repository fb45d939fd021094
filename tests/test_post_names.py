"""No post ever overwrites another article's post: rolling news posts are
named by the feed's id, which is unique for nothing."""

import json
import shutil
import subprocess

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store import SQLiteSeenStore
from tests.crawling import REPO_ROOT, crawl


def test_rolling_ids_that_collide_never_overwrite_a_post(tmp_path):
    corpus = Corpus.generate(size=60, seed=181)
    newest = corpus.newest(60)
    taken, taker = newest[5], newest[2]
    # An id equal to another article's infoCode, on the same day: the same
    # post name as that article's own post.
    taker.rolling_id = taken.info_code
    taker.showtime = taken.showtime = f"{taken.published:%Y-%m-%d %H:%M:%S}"
    taker.published = taken.published
    # Two entries with one id.
    newest[0].rolling_id = newest[1].rolling_id = "777"
    newest[1].showtime = newest[0].showtime = f"{newest[0].published:%Y-%m-%d %H:%M:%S}"
    output = tmp_path / "out"
    rolling_codes = {r.info_code for r in newest[:8]}
    with ReplicaServer(corpus) as replica:
        rolling = crawl(output, replica.url, "-a", "count=8", spider="rolling")
        category = crawl(output, replica.url)
    assert rolling.returncode == 0 and category.returncode == 0, category.log[-3000:]
    items = [json.loads(line) for line in (output / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    posts = {p.name: p.read_text(encoding="utf-8") for p in (output / "_posts").glob("*.md")}
    expected = {r.info_code for r in corpus.writable()}
    assert sorted(i["info_code"] for i in items) == sorted(expected)
    assert len(posts) == len(items), "one post per article: none replaced another"
    for item in items:
        holders = [name for name, text in posts.items() if f"<{item['share_url']}>" in text]
        assert len(holders) == 1, (item["info_code"], holders)
    assert {i["info_code"] for i in items if i["category"] == "emnews"} == rolling_codes & expected
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    names = [store.post_name(code) for code in expected]
    store.close()
    assert sorted(names) == sorted(posts), "the store knows each post's name"


def test_codes_jekyll_would_give_one_page_get_one_page_each(tmp_path):
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed: apt-get install jekyll")
    # Jekyll turns runs of "-" and "_" into one "-" and strips them at the
    # ends: these six codes would share three pages.
    codes = ["NWSLUG-1", "NWSLUG--1", "-NWSLUG-1-", "NWSLUG_1", "-", "_"]
    corpus = Corpus.generate(size=30, seed=182)
    records = corpus.categories["dzrb"].records[:len(codes)]
    for record, code in zip(records, codes):
        record.info_code, record.showtime = code, "2024-05-06 07:08:09"
    corpus = Corpus(list(corpus.categories.values()))
    with ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url)
    assert result.returncode == 0, result.log[-3000:]
    posts = sorted(p.name for p in (tmp_path / "out" / "_posts").glob("2024-05-06-*.md"))
    assert len(posts) == len(codes)
    build = subprocess.run([str(REPO_ROOT / "tools" / "build-site.sh"), str(tmp_path / "out"), str(tmp_path / "site")],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    pages = list((tmp_path / "site" / "_site").glob("*/2024/05/06/*.html"))
    assert len(pages) == len(codes), "one page per post"
    assert not [p for p in pages if p.name.startswith(".")]


def test_a_store_that_was_deleted_writes_no_second_post(tmp_path):
    """The store deleted (or replaced by an empty one) between two runs: an
    article's own post found on disk was taken for another article's, and
    the article written again under a second name, with a second line."""
    from tests.invariants import assert_written_exactly_once
    corpus = Corpus.generate(size=40, seed=61)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        first = crawl(output, replica.url)
        assert first.returncode == 0, first.log[-3000:]
        # One article killed between its post and its line, long ago:
        lines = (output / "items.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        orphan = json.loads(lines[-1])["info_code"]
        (output / "items.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
        (output / "dedupe.sqlite3").unlink()
        for extra in output.glob("dedupe.sqlite3-*"):
            extra.unlink()
        again = crawl(output, replica.url)
    assert again.returncode == 0, again.log[-3000:]
    assert_written_exactly_once(output, corpus)
    assert again.summary["written"] == 1  # the orphan's line; its post replaced in place
    assert f"Article {orphan} was written before" not in again.log
    assert "was written before (" in again.log
