"""`scrapy check`, bare, in the project folder with nothing else running:
every callback of every spider has contracts, and they pass."""

import inspect
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from scrapy.http import HtmlResponse

from newscrawler.contracts import HERE, check_corpus
from newscrawler.pages.share import share_page_answer
from newscrawler.replica import ReplicaServer
from newscrawler.spiders.category import CategorySpider
from newscrawler.spiders.rolling import RollingSpider
from newscrawler.spiders.webapi import WebapiSpider
from tests.crawling import ENV, REPO_ROOT
from tests.splash import SplashServer, splash_missing

SPIDERS = (CategorySpider, RollingSpider, WebapiSpider)


def scrapy_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "check", *args], cwd=REPO_ROOT, env=ENV,
                          capture_output=True, text=True, timeout=300)


def callbacks(spidercls) -> set[str]:
    """The methods the spider hands to requests (``parse`` included, which
    `scrapy parse` calls), found in its source and its bases'."""
    source = "".join(inspect.getsource(cls) for cls in spidercls.__mro__ if cls.__module__.startswith("newscrawler"))
    named = set(re.findall(r"\bself\.(parse\w*|splash_ready)\b", source))
    return named | {"parse"}


def test_a_bare_check_runs_the_contracts_and_passes(tmp_path):
    proc = scrapy_check("-s", f"OUTPUT_DIR={tmp_path / 'untouched'}")
    assert proc.returncode == 0, proc.stderr[-4000:]
    ran = re.search(r"Ran (\d+) contracts", proc.stderr)
    assert ran and int(ran[1]) >= 3 * 2 * 5, proc.stderr[-2000:]
    assert proc.stderr.rstrip().endswith("OK")
    assert not (tmp_path / "untouched").exists()


def test_every_callback_has_contracts():
    proc = scrapy_check("-l")
    assert proc.returncode == 0, proc.stderr
    listed, spider = {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("  * "):
            listed[spider].add(line[4:])
        elif line.strip():
            spider = line.strip()
            listed[spider] = set()
    expected = {cls.name: callbacks(cls) for cls in SPIDERS}
    assert expected["category"] >= {"parse", "parse_index", "parse_listing", "parse_article", "parse_share_page"}
    assert listed == expected


def test_a_wrong_spider_name_is_one_line():
    proc = scrapy_check("categroy")
    assert (proc.returncode, proc.stderr) == (
        2, "scrapy: error: no spider named 'categroy': the spiders are category, rolling, webapi, writer\n")


def test_the_saved_render_is_what_splash_renders(tmp_path):
    if reason := splash_missing():
        pytest.skip(reason)
    saved = HERE / "rendered" / "share_page.html"
    splash = SplashServer(tmp_path / "splash.log").start()
    try:
        with ReplicaServer(check_corpus()) as replica:
            url = f"{replica.url}/html_News/NewsShare.html?infoCode=NW202201182251444627"
            query = urllib.parse.urlencode({"url": url, "wait": 0.5, "timeout": 30})
            with urllib.request.urlopen(f"{splash.url}/render.html?{query}", timeout=120) as answer:
                rendered = answer.read()
    finally:
        splash.stop()
    read = [share_page_answer(HtmlResponse(url, body=body, encoding="utf-8"), "NW202201182251444627")
            for body in (rendered, saved.read_bytes())]
    assert read[0] == read[1] and read[0]["title"] == "五大举措支撑保障聊城经济稳定发展"
