"""Only http(s) links on the crawled site are followed; redirects that
leave it are refused and counted."""

import pytest

from newscrawler.middlewares.samesite import origin, same_site
from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl
from tests.invariants import jsonl_codes


@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:8000/category/", True),
    ("HTTP://127.0.0.1:8000/x", True),
    ("http://127.0.0.1:8001/x", False),
    ("https://127.0.0.1:8000/x", False),
    ("http://localhost:8000/x", False),
    ("file:///etc/passwd", False),
    ("javascript:alert(1)", False),
    ("//evil.example/x", False),
    ("http://127.0.0.1:8000@evil.example/x", False),
    ("http://127.0.0.1:99999/x", False),
    ("", False),
    ("  http://127.0.0.1:8000/x", True),
])
def test_same_site(url, expected):
    assert same_site(url, "http://127.0.0.1:8000") is expected


def test_default_ports():
    assert origin("http://example.org/a") == origin("http://EXAMPLE.org:80/b") == ("http", "example.org", 80)
    assert origin("https://example.org") == ("https", "example.org", 443)


def test_links_and_redirects_off_the_site_are_refused(tmp_path):
    corpus = Corpus.generate(size=200, seed=161)
    with ReplicaServer(Corpus.generate(size=30, seed=162)) as elsewhere, ReplicaServer(corpus) as replica:
        corpus.index_extra = [(f"{elsewhere.url}/category/dzrb.html", "外站"), ("file:///etc/passwd", "本机文件"),
                              ("//evil.example/category/x.html", "外站二")]
        corpus.categories["zqsb"].next_href = f"{elsewhere.url}/category/zqsb.html?page=2"
        article = corpus.listing("cqrb", 1)[3].info_code
        replica.redirects[f"/NewsData/GetNewsText.do?id={article}"] = \
            f"{elsewhere.url}/NewsData/GetNewsText.do?id={article}"
        replica.redirects["/category/shzqb.html?page=2"] = f"{elsewhere.url}/category/shzqb.html?page=2"
        result = crawl(tmp_path / "out", replica.url, "-s", "RETRY_TIMES=0")
        again = crawl(tmp_path / "out", replica.url, "-s", "RETRY_TIMES=0")
    assert sum(elsewhere.hits.values()) == 0, "nothing fetched off the site"
    assert "Traceback" not in result.log
    assert "Not following category link file:///etc/passwd" in result.log
    assert f"Not following next page {elsewhere.url}/category/zqsb.html?page=2" in result.log
    assert f"Refused {elsewhere.url}/NewsData/GetNewsText.do?id={article}" in result.log
    assert f"Gave up on article {elsewhere.url}/NewsData/GetNewsText.do?id={article}" in result.log, \
        "given up like a page that failed: a source under maintenance redirects everything for a while"
    assert article not in jsonl_codes(tmp_path / "out")
    assert result.returncode == 1, "the listing redirected off the site is a page given up"
    assert "The walk of category zqsb is not complete (it did not reach its end)" in result.log
    assert "The walk of category zqsb is not complete" in again.log, "a next link off the site never completes a walk"
    assert not (tmp_path / "out" / "passwd").exists()


def test_a_redirect_to_splash_is_refused(tmp_path):
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from newscrawler.middlewares.samesite import OffsiteRefused, SameSiteMiddleware
    from newscrawler.spiders.category import CategorySpider

    crawler = get_crawler(CategorySpider, {"SPLASH_URL": "http://127.0.0.1:8050", "OUTPUT_DIR": str(tmp_path)})
    spider = CategorySpider.from_crawler(crawler, base_url="http://127.0.0.1:8000")
    middleware = SameSiteMiddleware.from_crawler(crawler)
    splash = "http://127.0.0.1:8050/execute?lua_source=x"
    assert middleware.process_request(Request(splash, meta={"splash": {"args": {}}}), spider) is None
    assert middleware.process_request(Request("http://127.0.0.1:8050/_ping", meta={"splash_ping": True}), spider) is None
    for meta in ({}, {"redirect_urls": ["http://127.0.0.1:8000/category/x.html"]},
                 {"splash": {}, "redirect_urls": ["http://127.0.0.1:8000/x"]}):
        with pytest.raises(OffsiteRefused):
            middleware.process_request(Request(splash, meta=meta), spider)
