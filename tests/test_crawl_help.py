"""`scrapy crawl --help` says what the project's crawl takes and what its
exit statuses mean; a wrong spider name or argument is one line, exit 2."""

import subprocess
import sys

import pytest

from newscrawler.spiders.category import CategorySpider
from newscrawler.spiders.rolling import RollingSpider
from newscrawler.spiders.webapi import WebapiSpider
from tests.crawling import ENV, REPO_ROOT


def scrapy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=REPO_ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def crawl_help() -> str:
    proc = scrapy("crawl", "--help")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_help_lists_every_spider_argument(crawl_help):
    section = crawl_help.split("Spiders (scrapy crawl SPIDER)", 1)[1].split("\nSettings ", 1)[0]
    blocks = {}
    for line in section.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("    "):
            current = blocks.setdefault(line.split()[0], [])
        elif line.startswith("    -a "):
            current.append(line.split()[1].split("=")[0])
    assert blocks == {
        "category": ["base_url", "shard", "categories"],
        "rolling": ["base_url", "shard", "count"],
        "webapi": ["base_url", "shard", "count", "markets", "media"],
        "writer": ["follow", "base_url"],
    }
    for spider in (CategorySpider, RollingSpider, WebapiSpider):
        assert blocks[spider.name] == list(spider.ARGUMENTS)


def test_help_names_the_settings_and_the_exit_statuses(crawl_help):
    for setting in ("OUTPUT_DIR", "SITE_URL", "SHARE_BASE_URL", "SPLASH_URL", "INCREMENTAL_STOP", "LOG_LEVEL"):
        assert f"\n  {setting} " in crawl_help
    statuses = crawl_help.split("\nExit status\n", 1)[1]
    assert [line.split()[0] for line in statuses.splitlines() if line[2:3].isdigit()] == ["0", "1", "2"]
    assert "the run finished" in statuses and "the run failed" in statuses and "found at start" in statuses
    assert "log level (default: INFO)" in crawl_help


def test_a_wrong_spider_name_is_one_line(tmp_path):
    proc = scrapy("crawl", "categroy", "-s", f"OUTPUT_DIR={tmp_path / 'out'}")
    assert proc.returncode == 2
    assert proc.stderr == "scrapy: error: no spider named 'categroy': the spiders are category, rolling, webapi, writer\n"
    assert proc.stdout == ""


@pytest.mark.parametrize("spider, argument, message", [
    ("rolling", "count=x", "count must be a whole number of entries over 0, not 'x'"),
    ("webapi", "count=0", "count must be a whole number of entries over 0, not '0'"),
    ("webapi", "markets=37,abc", "markets must be market types such as 37,38,39, not 'abc'"),
])
def test_a_wrong_spider_argument_is_one_line(tmp_path, spider, argument, message):
    proc = scrapy("crawl", spider, "-a", argument, "-s", f"OUTPUT_DIR={tmp_path / 'out'}")
    assert (proc.returncode, proc.stderr, proc.stdout) == (2, f"scrapy: error: {message}\n", "")


def test_a_feed_that_cannot_be_written_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = scrapy("crawl", "rolling", "-O", str(blocker / "items.json"), "-s", f"OUTPUT_DIR={tmp_path / 'out'}")
    assert proc.returncode == 2
    assert proc.stderr == f"scrapy: error: feed {blocker / 'items.json'} cannot be written: {blocker} is not a folder\n"
