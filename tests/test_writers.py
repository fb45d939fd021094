import os
import subprocess
import sys

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.files import atomic_write, child_path, create_new, remove_stale_temps
from newscrawler.outcomes import ArticleNotWritten
from newscrawler.pipelines.category_pages import CategoryPagePipeline
from newscrawler.pipelines.posts import MarkdownPostPipeline, PostNameTaken, alternative_name
from newscrawler.store import SQLiteSeenStore
from tests.articles import article


def open_pipeline(cls, tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path), "SITE_URL": "example.org"})
    crawler.stats.open_spider(None)
    pipeline = cls.from_crawler(crawler)
    if hasattr(pipeline, "open_spider"):  # as Scrapy calls it: only if defined
        pipeline.open_spider(None)
    return pipeline


def claim(tmp_path, *codes, owner=None):
    store = SQLiteSeenStore(tmp_path / "dedupe.sqlite3")
    if owner:
        store.owner = owner
    for code in codes:
        assert store.claim(code)
    return store


def test_post_written_under_posts(tmp_path):
    claim(tmp_path, "NW202201182251444627").close()
    pipeline = open_pipeline(MarkdownPostPipeline, tmp_path)
    pipeline.process_item(article(), None)
    post = (tmp_path / "_posts" / "2022-01-18-NW202201182251444627.md").read_text(encoding="utf-8")
    assert post.endswith("[返回大众日报新闻](//example.org/category/dazhongribao.html)｜[返回首页](//example.org/)\n")
    assert os.listdir(tmp_path / "_posts") == ["2022-01-18-NW202201182251444627.md"]
    assert pipeline.stats.get_value("newscrawler/posts/written") == 1


def test_leftover_temp_files_are_removed_at_start(tmp_path):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / ".tmp-killed").write_text("half")
    open_pipeline(MarkdownPostPipeline, tmp_path)
    assert os.listdir(tmp_path / "_posts") == []


def test_atomic_write_leaves_old_content_when_it_fails(tmp_path, monkeypatch):
    target = tmp_path / "post.md"
    target.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["post.md"]


@pytest.mark.parametrize("name", ["", ".", "..", "../x", "a/b", "a\\b", "a\0b"])
def test_child_path_refuses_escapes(tmp_path, name):
    with pytest.raises(ValueError):
        child_path(tmp_path, name)


def test_category_page_written_once(tmp_path):
    pipeline = open_pipeline(CategoryPagePipeline, tmp_path)
    pipeline.process_item(article(), None)
    page = tmp_path / "category" / "dazhongribao.html"
    page.write_text("edited by the site owner", encoding="utf-8")
    pipeline.process_item(article(info_code="NW2"), None)
    again = open_pipeline(CategoryPagePipeline, tmp_path)
    again.process_item(article(info_code="NW3"), None)
    assert page.read_text(encoding="utf-8") == "edited by the site owner"
    assert pipeline.stats.get_value("newscrawler/category_pages/written") == 1
    assert again.stats.get_value("newscrawler/category_pages/written") is None


HOLD_LEASE = """
import sys, time
from pathlib import Path
from newscrawler import leases
print(leases.hold(Path(sys.argv[1])), flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_live_process_keeps_its_temp_files(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", HOLD_LEASE, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True)
    dead = subprocess.run([sys.executable, "-c", HOLD_LEASE, str(tmp_path), "0"], capture_output=True, text=True)
    folder = tmp_path / "_posts"
    folder.mkdir()
    kept = [f".tmp-{live.stdout.readline().strip()}.abc", f".tmp-{os.getpid()}-abc"]  # live: a lease, an old pid
    gone = [f".tmp-{dead.stdout.strip()}.abc", ".tmp-999999999-abc", ".tmp-xyz"]
    for name in kept + gone:
        (folder / name).write_text("partial")
    try:
        assert remove_stale_temps(folder, tmp_path) == len(gone)
    finally:
        live.kill()
        live.wait()
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept)


def rolling(code, rolling_id="123"):
    return article(info_code=code, rolling_id=rolling_id, digest="摘要", category="emnews", media="东财滚动",
                   share_url=f"http://x.example/a/{code}.html")


def test_a_post_never_replaces_another_articles_post(tmp_path):
    claim(tmp_path, "A", "B", "C").close()
    pipeline = open_pipeline(MarkdownPostPipeline, tmp_path)
    posts = tmp_path / "_posts"
    pipeline.process_item(rolling("A"), None)
    pipeline.process_item(rolling("B"), None)  # the same rolling id: another name
    first = (posts / "2022-01-18-123.md").read_text(encoding="utf-8")
    second = (posts / alternative_name("2022-01-18-123.md", "B")).read_text(encoding="utf-8")
    assert "/a/A.html" in first and "/a/B.html" in second
    # The same name reserved by two articles already: a drop with a reason.
    store = claim(tmp_path, owner="elsewhere:1")
    assert store.claim("D") and store.reserve_post("D", alternative_name("2022-01-18-123.md", "C"))
    with pytest.raises(PostNameTaken):
        pipeline.process_item(rolling("C"), None)
    assert pipeline.stats.get_value("newscrawler/posts/dropped/post_name_taken") == 1
    assert sorted(p.name for p in posts.iterdir()) == sorted(["2022-01-18-123.md", alternative_name("2022-01-18-123.md", "B")])
    store.close()


def test_a_file_the_store_does_not_know_is_not_replaced(tmp_path):
    claim(tmp_path, "NW1").close()
    pipeline = open_pipeline(MarkdownPostPipeline, tmp_path)
    legacy = tmp_path / "_posts" / "2022-01-18-NW1.md"
    legacy.write_text("written by hand", encoding="utf-8")
    pipeline.process_item(article(info_code="NW1"), None)
    assert legacy.read_text(encoding="utf-8") == "written by hand"
    assert (tmp_path / "_posts" / alternative_name(legacy.name, "NW1")).exists()


@pytest.mark.parametrize("error, kind", [
    (OSError(36, "File name too long", "x" * 300), "ENAMETOOLONG"),
    (OSError(28, "No space left on device"), "ENOSPC"),
    (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "UnicodeEncodeError"),
])
def test_a_failed_post_write_is_a_clear_not_written(tmp_path, monkeypatch, error, kind):
    claim(tmp_path, "NW1").close()
    pipeline = open_pipeline(MarkdownPostPipeline, tmp_path)

    def failing(path, data):
        raise error

    monkeypatch.setattr("newscrawler.pipelines.posts.create_new", failing)
    with pytest.raises(ArticleNotWritten) as raised:
        pipeline.process_item(article(info_code="NW1"), None)
    assert raised.value.kind == kind and "post" in raised.value.cause
    assert raised.value.environment == (kind == "ENOSPC")


def test_create_new_never_replaces(tmp_path):
    target = tmp_path / "p.md"
    create_new(target, b"first")
    with pytest.raises(FileExistsError):
        create_new(target, b"second")
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["p.md"]


def test_a_category_page_that_cannot_be_written(tmp_path):
    (tmp_path / "category").write_text("a file where the folder should be")
    pipeline = open_pipeline(CategoryPagePipeline, tmp_path)
    with pytest.raises(ArticleNotWritten) as raised:
        pipeline.process_item(article(), None)
    assert raised.value.kind in ("EEXIST", "ENOTDIR")
