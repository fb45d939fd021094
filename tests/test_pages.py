"""Page functions against saved responses, each beside its expected output."""

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from newscrawler.pages.article import (
    ArticleNotFound,
    BadArticleAnswer,
    article_from_text_endpoint,
    decode_text_endpoint,
)
from newscrawler.pages.listing import ListingEntry, category_id, parse_category_index, parse_listing

PAGES = Path(__file__).parent / "fixtures" / "pages"
BASE = "http://127.0.0.1:8000"


def expected(name: str):
    return json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_category_index():
    response = HtmlResponse(f"{BASE}/category/", body=(PAGES / "index.html").read_bytes(), encoding="utf-8")
    assert [dataclasses.asdict(c) for c in parse_category_index(response)] == expected("index")


@pytest.mark.parametrize(
    "name, cid, headers, encoding",
    [
        ("listing_utf8", "dzrb", {}, "utf-8"),
        # GBK declared in the Content-Type header, and only in <meta charset>
        ("listing_gbk_header", "cqrb", {"Content-Type": "text/html; charset=GBK"}, None),
        ("listing_gbk_meta", "zgzqb", {"Content-Type": "text/html"}, None),
    ],
)
def test_listing_pages(name, cid, headers, encoding):
    body = (PAGES / f"{name}.html").read_bytes()
    kwargs = {"encoding": encoding} if encoding else {}
    response = HtmlResponse(f"{BASE}/category/{cid}.html", body=body, headers=headers, **kwargs)
    page = parse_listing(response)
    assert dataclasses.asdict(page) == expected(name)
    assert page.entries, "a fixture listing holds entries"


@pytest.mark.parametrize("name", ["text_endpoint_messy", "text_endpoint_listing_time"])
def test_articles_from_text_endpoint(name):
    case = expected(name)
    data, encoding = decode_text_endpoint((PAGES / f"{name}.json").read_bytes())
    assert encoding == "utf-8"
    item = article_from_text_endpoint(
        data,
        ListingEntry(**case["listing_entry"]),
        listing_media="列表媒体",
        share_url=case["item"]["share_url"],
        source=BASE,
        now=datetime.fromisoformat(case["now"]),
    )
    assert dataclasses.asdict(item) == case["item"]


def test_listing_fills_what_the_article_lacks():
    entry = ListingEntry("NW1", "列表标题", "2022-01-18 09:52", f"{BASE}/x")
    item = article_from_text_endpoint(
        {"code": 0, "text": "<p>正文</p>"}, entry, listing_media="大众日报",
        share_url="s", source=BASE, now=datetime.fromisoformat("2026-01-01T00:00:00+08:00"),
    )
    assert (item.info_code, item.title, item.media, item.category) == ("NW1", "列表标题", "大众日报", "dazhongribao")
    assert (item.published_at, item.published_raw) == ("2022-01-18T09:52:00+08:00", "2022-01-18 09:52")


def test_media_slug_override_from_context():
    item = article_from_text_endpoint(
        {"code": 0, "infoCode": "NW1", "title": "t", "showtime": "2022-01-18 09:52", "medianame": "重庆日报", "text": "<p>x</p>"},
        None, listing_media=None, share_url="s", source=BASE,
        now=datetime.fromisoformat("2026-01-01T00:00:00+08:00"), media_slugs={"重庆日报": "cq"},
    )
    assert item.category == "cq"


@pytest.mark.parametrize(
    "body, error",
    [
        (b'{"code": 0, "infoCode": "NW1", "title": "cut', BadArticleAnswer),
        (b"", BadArticleAnswer),
        (b"<html>502 Bad Gateway</html>", BadArticleAnswer),
        (b"[1, 2]", BadArticleAnswer),
        (b"\xff\xfe\x00garbage", BadArticleAnswer),
        ('{"code": 0, "title": "被截断的中'.encode("utf-8")[:-1], BadArticleAnswer),
        (b'{"code": 404, "message": "gone"}', ArticleNotFound),
    ],
)
def test_bad_text_endpoint_answers(body, error):
    with pytest.raises(error):
        decode_text_endpoint(body)


@pytest.mark.parametrize(
    "body, title, encoding",
    [
        ('{"title": "标题"}'.encode("utf-8"), "标题", "utf-8"),
        ('{"title": "标题"}'.encode("gbk"), "标题", "gb18030"),
        (b'{"title": "\xe6\xa0\x87\xff\xfe"}', "标\ufffd\ufffd", "utf-8-replaced"),
    ],
)
def test_text_endpoint_in_a_wrong_charset_is_still_read(body, title, encoding):
    assert decode_text_endpoint(body) == ({"title": title}, encoding)


@pytest.mark.parametrize(
    "url, cid",
    [("http://h/category/dzrb.html", "dzrb"), ("http://h/category/dzrb.html?page=3", "dzrb"), ("/category/x/", "x")],
)
def test_category_id(url, cid):
    assert category_id(url) == cid
