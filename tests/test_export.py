"""A crawl's feeds get only the articles it writes, and say so when that is
none; `scrapy export` writes every article of items.jsonl to any feed format."""

import csv
import json
import subprocess
import sys
import zipfile

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl

NOTHING_EXPORTED = "No article exported to {}: this run wrote no new article, and feeds get only the articles"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A crawl, then a second one with nothing new exporting to a feed."""
    root = tmp_path_factory.mktemp("export")
    with ReplicaServer(Corpus.generate(size=30, seed=93)) as replica:
        first = crawl(root / "out", replica.url)
        again = crawl(root / "out", replica.url, "-O", str(root / "new.json"))
    assert first.returncode == again.returncode == 0, first.log[-2000:] + again.log[-2000:]
    return root, first, again


def scrapy_export(output, *args):
    return subprocess.run([sys.executable, "-m", "scrapy", "export", "-s", f"OUTPUT_DIR={output}", *args],
                          cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)


def test_a_run_that_exports_nothing_says_why(written):
    root, first, again = written
    assert json.loads((root / "new.json").read_text(encoding="utf-8")) == []
    assert NOTHING_EXPORTED.format(root / "new.json") in again.log
    assert "No article exported" not in first.log


def test_export_writes_every_written_article_in_each_format(written):
    root, first, _ = written
    items = first.items()
    assert len(items) > 10
    proc = scrapy_export(first.output, "-O", str(root / "all.json"), "-O", str(root / "all.csv"),
                         "-O", f"{root / 'all.zip'}:jekyll")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"Exported {len(items)} articles from {first.output / 'items.jsonl'} to {root / name} ({fmt})"
        for name, fmt in (("all.json", "json"), ("all.csv", "csv"), ("all.zip", "jekyll"))]
    assert json.loads((root / "all.json").read_text(encoding="utf-8")) == items
    with open(root / "all.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["info_code"], r["body_html"]) for r in rows] == [(i["info_code"], i["body_html"]) for i in items]
    with zipfile.ZipFile(root / "all.zip") as bundle:
        posts = {n.removeprefix("_posts/"): bundle.read(n).decode("utf-8") for n in bundle.namelist()
                 if n.startswith("_posts/")}
    assert posts == first.posts()


def test_export_leaves_out_a_line_a_killed_writer_left_unfinished(tmp_path, written):
    _, first, _ = written
    lines = (first.output / "items.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "items.jsonl").write_text("".join(lines[:3]) + lines[3][:40], encoding="utf-8")
    proc = scrapy_export(tmp_path, "-O", str(tmp_path / "all.jsonl"))
    assert proc.returncode == 0, proc.stderr
    exported = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert exported == [json.loads(line) for line in lines[:3]]


def test_export_without_items_is_one_line(tmp_path):
    proc = scrapy_export(tmp_path / "empty", "-O", str(tmp_path / "all.json"))
    assert proc.returncode == 2
    assert proc.stderr == (f"scrapy: error: {tmp_path / 'empty' / 'items.jsonl'} does not exist: "
                           "no article is written yet (or set -s OUTPUT_DIR=...)\n")


@pytest.mark.parametrize("how", ["same", "relative", "hard link"])
def test_export_onto_the_items_it_reads_is_refused(tmp_path, written, how):
    """`-O OUTPUT_DIR/items.jsonl` truncated the file before reading it:
    every article written so far was lost from it."""
    _, first, _ = written
    output = tmp_path / "out"
    output.mkdir()
    original = (first.output / "items.jsonl").read_bytes()
    (output / "items.jsonl").write_bytes(original)
    target = {"same": str(output / "items.jsonl"),
              "relative": str(output / "sub" / ".." / "items.jsonl"),
              "hard link": str(tmp_path / "link.jsonl")}[how]
    if how == "hard link":
        (tmp_path / "link.jsonl").hardlink_to(output / "items.jsonl")
    proc = scrapy_export(output, "-O", target)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"scrapy: error: {target} is the items.jsonl being exported: write the export elsewhere\n"
    assert (output / "items.jsonl").read_bytes() == original
