"""Crawl the replica over a real socket with `scrapy crawl`, check the files."""

import json
import re
import sys
from datetime import datetime

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.replica.corpus import BAD_INFO_CODE, NO_TIME, NO_TITLE, NOT_FOUND
from tests.crawling import crawl
from tests.posts import assert_category_post


@pytest.fixture(scope="module")
def corpus():
    return Corpus.generate(size=120, seed=3)


@pytest.fixture(scope="module")
def replica(corpus):
    with ReplicaServer(corpus) as server:
        yield server


@pytest.fixture(scope="module")
def first_run(replica, tmp_path_factory):
    return crawl(tmp_path_factory.mktemp("crawl") / "out", replica.url)


def test_exits_cleanly_and_says_what_it_did(first_run, corpus):
    assert first_run.returncode == 0, first_run.log[-3000:]
    assert "Traceback" not in first_run.log
    summary = first_run.summary
    assert summary["written"] == len(corpus.writable())
    assert summary["dropped_by_reason"] == {NO_TITLE: 1, NO_TIME: 1, BAD_INFO_CODE: 1}
    assert summary["not_found"] == 1
    assert summary["failed"] == 0


def test_one_post_and_one_line_per_writable_article(first_run, corpus):
    codes = {r.info_code for r in corpus.writable()}
    posts = first_run.posts()
    assert {name[11:-3] for name in posts} == codes
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}-NW\d{18}\.md", name) for name in posts)
    items = first_run.items()
    assert sorted(i["info_code"] for i in items) == sorted(codes)


def test_drops_are_logged_one_line_each(first_run, corpus):
    dropped = [line for line in first_run.log.splitlines() if "Dropped article" in line]
    assert len(dropped) == 3
    assert any("NW 2022/bad code" in line and "bad_info_code" in line for line in dropped)


def test_items_match_the_clean_source(first_run, corpus):
    for item in first_run.items():
        record = corpus.records[item["info_code"]]
        home = corpus.categories[record.cids[0]].name
        assert item["title"] == record.clean_title
        assert item["media"] == home
        assert item["body_html"] == "\n".join(record.clean_paragraphs)
        assert "<" not in item["body_text"] and "\u3000" not in item["body_text"]
        assert item["share_url"] == f"{item['source']}/html_News/NewsShare.html?infoCode={record.info_code}"
        published = datetime.fromisoformat(item["published_at"])
        assert published.utcoffset().total_seconds() == 8 * 3600
        if record.exact_time is not None:
            assert published == record.exact_time
        else:
            # listing fallback: minutes floor the time, "N小时前" is as
            # precise as an hour
            assert -60 < (published - record.published).total_seconds() <= 3660
        assert item["crawled_at"].endswith("+00:00")


def test_posts_match_the_items(first_run):
    posts = first_run.posts()
    for item in first_run.items():
        assert_category_post(posts[f"{item['published_at'][:10]}-{item['info_code']}.md"], item)


def test_a_category_page_per_media(first_run, corpus):
    pages = sorted(p.name for p in (first_run.output / "category").iterdir())
    slugs = sorted({i["category"] for i in first_run.items()})
    assert pages == [f"{s}.html" for s in slugs]
    page = (first_run.output / "category" / "dazhongribao.html").read_text(encoding="utf-8")
    assert page == "---\nlayout: category\ntitle: 大众日报新闻\ncategory: dazhongribao\n---\n"


def test_jsonl_is_utf8_with_fields_in_order(first_run):
    raw = (first_run.output / "items.jsonl").read_text(encoding="utf-8")
    assert "\\u" not in raw and raw.endswith("\n")
    first = json.loads(raw.splitlines()[0])
    # SOURCE.md §3's fields in its order, then those the feeds carry too.
    assert list(first) == ["info_code", "title", "published_at", "media", "category",
                           "body_html", "body_text", "share_url", "source", "crawled_at",
                           "published_raw", "rolling_id", "digest"]


def test_second_run_writes_nothing_and_fetches_no_article(first_run, replica):
    posts_before = first_run.posts()
    jsonl_before = (first_run.output / "items.jsonl").read_bytes()
    text_hits_before = replica.hits["text"]
    again = crawl(first_run.output, replica.url)
    assert again.returncode == 0, again.log[-3000:]
    assert again.summary["written"] == 0
    assert again.summary["article_requests"] == 0
    assert replica.hits["text"] == text_hits_before
    assert again.posts() == posts_before
    assert (first_run.output / "items.jsonl").read_bytes() == jsonl_before


def test_not_found_article_is_remembered(first_run, corpus):
    gone = next(r for r in corpus.records.values() if r.defect == NOT_FOUND)
    assert f"{gone.info_code}.md" not in "".join(first_run.posts())


def test_a_relative_output_dir_works(replica, corpus, tmp_path):
    """`-s OUTPUT_DIR=out` from the working folder: the store and the
    pipelines name that folder differently (relative, resolved), and one
    process must still hold one lease in it (it locked itself out before)."""
    import subprocess

    from tests.crawling import ENV, REPO_ROOT
    env = dict(ENV, PYTHONPATH=str(REPO_ROOT))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "category", "-a", f"base_url={replica.url}",
           "-s", "OUTPUT_DIR=out", "-s", "LOG_LEVEL=WARNING"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert len(list((tmp_path / "out" / "_posts").glob("*.md"))) == len(corpus.writable())
