import os

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.files import atomic_write, child_path, remove_stale_temps
from newscrawler.pipelines.category_pages import CategoryPagePipeline
from newscrawler.pipelines.posts import MarkdownPostPipeline
from tests.articles import article


def open_pipeline(cls, tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path), "SITE_URL": "example.org"})
    crawler.stats.open_spider(None)
    pipeline = cls.from_crawler(crawler)
    if hasattr(pipeline, "open_spider"):  # as Scrapy calls it: only if defined
        pipeline.open_spider(None)
    return pipeline


def test_post_written_under_posts(tmp_path):
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


def test_a_live_process_keeps_its_temp_files(tmp_path):
    mine = tmp_path / f".tmp-{os.getpid()}-abc"
    dead = tmp_path / ".tmp-999999999-abc"
    old_style = tmp_path / ".tmp-xyz"
    for path in (mine, dead, old_style):
        path.write_text("partial")
    assert remove_stale_temps(tmp_path) == 2
    assert [p.name for p in tmp_path.iterdir()] == [mine.name]
