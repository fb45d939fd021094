"""Scrapy's feed exports on our items, and the Jekyll bundle exporter."""

import csv
import json
import zipfile

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.settings import FEED_EXPORT_FIELDS
from tests.crawling import crawl
from tests.disks import tiny_filesystem


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(Corpus.generate(size=40, seed=91)) as server:
        yield server


def test_jsonl_and_csv_feeds(replica, tmp_path):
    result = crawl(tmp_path / "out", replica.url, "-o", str(tmp_path / "feed.jsonl"), "-o", str(tmp_path / "feed.csv"))
    assert result.returncode == 0, result.log[-2000:]
    raw = (tmp_path / "feed.jsonl").read_text(encoding="utf-8")
    assert "\\u" not in raw
    rows = [json.loads(line) for line in raw.splitlines()]
    assert [list(r) for r in rows] == [FEED_EXPORT_FIELDS] * len(rows)
    assert sorted(r["info_code"] for r in rows) == sorted(i["info_code"] for i in result.items())
    with open(tmp_path / "feed.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == FEED_EXPORT_FIELDS
    by_code = {r["info_code"]: r for r in rows}
    for row in table:
        assert row["title"] == by_code[row["info_code"]]["title"]
        assert row["body_html"] == by_code[row["info_code"]]["body_html"]


def test_feeds_setting_with_the_jekyll_bundle(replica, tmp_path):
    feeds = {str(tmp_path / "posts.zip"): {"format": "jekyll"}, str(tmp_path / "items.json"): {"format": "json"}}
    result = crawl(tmp_path / "out", replica.url, "-s", f"FEEDS={json.dumps(feeds)}")
    assert result.returncode == 0, result.log[-2000:]
    with zipfile.ZipFile(tmp_path / "posts.zip") as bundle:
        names = set(bundle.namelist())
        posts = {n: bundle.read(n).decode("utf-8") for n in names if n.startswith("_posts/")}
        pages = {n for n in names if n.startswith("category/")}
    assert {f"_posts/{name}": text for name, text in result.posts().items()} == posts
    assert pages == {f"category/{p.name}" for p in (result.output / "category").iterdir()}
    assert len(json.loads((tmp_path / "items.json").read_text(encoding="utf-8"))) == len(posts)


def test_a_second_run_feeds_only_new_items(replica, tmp_path):
    crawl(tmp_path / "out", replica.url)
    again = crawl(tmp_path / "out", replica.url, "-O", str(tmp_path / "feed.jsonl"))
    assert again.returncode == 0
    assert (tmp_path / "feed.jsonl").read_text(encoding="utf-8") == ""


def test_the_jekyll_bundle_holds_the_posts_as_written(tmp_path):
    # Rolling ids shared by three articles of one day: three posts, three
    # names, in OUTPUT_DIR and in the zip alike.
    corpus = Corpus.generate(size=30, seed=93)
    for record in corpus.newest(3):
        record.rolling_id, record.showtime = "777", f"{corpus.newest(1)[0].published:%Y-%m-%d %H:%M:%S}"
    out = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        result = crawl(out, replica.url, "-a", "count=3", "-O", f"{tmp_path / 'posts.zip'}:jekyll", spider="rolling")
    assert result.returncode == 0, result.log[-2000:]
    with zipfile.ZipFile(tmp_path / "posts.zip") as bundle:
        in_zip = {name: bundle.read(name).decode("utf-8") for name in bundle.namelist() if name.startswith("_posts/")}
    written = {f"_posts/{p.name}": p.read_text(encoding="utf-8") for p in (out / "_posts").glob("*.md")}
    assert len(written) == 3 and in_zip == written


@pytest.mark.parametrize("feed", ["new.jsonl", "posts.zip:jekyll"])
def test_a_feed_on_a_disk_that_fills_up_fails_the_run_in_one_line(tmp_path, feed):
    corpus = Corpus.generate(size=120, seed=94, sentences=(30, 50))
    with tiny_filesystem(tmp_path / "feeds", "64k"), ReplicaServer(corpus) as replica:
        result = crawl(tmp_path / "out", replica.url, "-O", str(tmp_path / "feeds" / feed))
    assert result.returncode == 1
    assert "Traceback" not in result.log, result.log[-3000:]
    errors = [line for line in result.log.splitlines() if "] ERROR: " in line]
    assert errors[0].endswith("cannot be written (ENOSPC No space left on device): it is incomplete")
    assert "feed file(s) could not be written" in errors[-1]
    assert result.summary["written"] == len(corpus.writable()), "the posts do not depend on the feed"
