"""Page functions against saved responses, each beside its expected output."""

import dataclasses
import json
import random
from datetime import datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from newscrawler.pages.article import (
    ArticleNotFound,
    BadArticleAnswer,
    UnusableAnswer,
    article_from_text_endpoint,
    decode_text_endpoint,
)
from newscrawler.pages.listing import ListingEntry, category_id, parse_category_index, parse_listing
from newscrawler.pipelines.validate import problem

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEED_ANSWER = Path(__file__).parent / "fixtures" / "seed" / "GetNewsText-NW202201182251444627.json"
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


DEEP = b'{"code": 0, "title": "t", "text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"


@pytest.mark.parametrize(
    "body, error",
    [
        # cut off: may be whole next time (retried)
        (b'{"code": 0, "infoCode": "NW1", "title": "cut', BadArticleAnswer),
        ('{"code": 0, "title": "被截断的中'.encode("utf-8")[:-1], BadArticleAnswer),
        (b'{"code": 0, "title": "\\u4e', BadArticleAnswer),
        (b'{"code": 0, "showtime": -Infinit', BadArticleAnswer),
        (b'{"code": 0, "showtime": 1642470748000', BadArticleAnswer),
        (b'{"code": 0, "n": 12.', BadArticleAnswer),
        (b"   ", BadArticleAnswer),
        # not JSON at all: an error page, not the endpoint's answer (retried)
        (b"", BadArticleAnswer),
        (b"<html>502 Bad Gateway</html>", BadArticleAnswer),
        (b"\xff\xfe\x00garbage", BadArticleAnswer),
        # the same next time: dropped with a reason
        (b"[1, 2]", UnusableAnswer),
        (b'"an article"', UnusableAnswer),
        (b"null", UnusableAnswer),
        (DEEP, UnusableAnswer),
        (b'{"code": 0, "title": "a" "b", "text": "<p>x</p>"}', UnusableAnswer),
        (b'{"code": 1, "message": "error"}', UnusableAnswer),
        (b'{"code": "1"}', UnusableAnswer),
        (b'{"code": null}', UnusableAnswer),
        (b'{"code": true}', UnusableAnswer),
        (b'{"code": NaN}', UnusableAnswer),
        (b'{"code": 0, "title": ["t"]}', UnusableAnswer),
        (b'{"code": 0, "text": {"p": "x"}}', UnusableAnswer),
        (b'{"code": 0, "infoCode": 123}', UnusableAnswer),
        (b'{"code": 0, "showtime": [2024, 1, 1]}', UnusableAnswer),
        (b'{"code": 0, "showtime": true}', UnusableAnswer),
        # gone
        (b'{"code": 404, "message": "gone"}', ArticleNotFound),
        (b'{"code": "404", "message": "gone"}', ArticleNotFound),
        (b'{"code": " 404 "}', ArticleNotFound),
        (b'{"code": 404, "message": {"text": "gone"}}', ArticleNotFound),
    ],
    ids=lambda v: v[:60].decode("utf-8", "replace") if isinstance(v, bytes) else None,
)
def test_bad_text_endpoint_answers(body, error):
    with pytest.raises(error) as caught:
        decode_text_endpoint(body)
    assert type(caught.value) is error
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"[1, 2]", "not_an_object"),
        (DEEP, "too_deep"),
        (b'{"code": 0, "title": "a" "b", "text": "<p>x</p>"}', "bad_json"),
        (b'{"code": "1"}', "unknown_code"),
        (b'{"code": 0, "title": ["t"]}', "bad_field"),
        (b'{"code": 0, "title": "t", "n": ' + b"7" * 5000 + b"}", "bad_json"),
    ],
    ids=["not_an_object", "too_deep", "bad_json", "unknown_code", "bad_field", "an_integer_of_5000_digits"],
)
def test_unusable_answers_say_why(body, reason):
    with pytest.raises(UnusableAnswer) as caught:
        decode_text_endpoint(body)
    assert caught.value.reason == reason
    assert str(caught.value).startswith(f"{reason}: ")


@pytest.mark.parametrize(
    "body, data",
    [
        (b'{"code": 0, "title": "t"}', {"code": 0, "title": "t"}),
        (b'{"code": "0", "title": "t"}', {"code": "0", "title": "t"}),
        (b'{"code": " 0 ", "title": "t"}', {"code": " 0 ", "title": "t"}),
        (b'{"title": "t"}', {"title": "t"}),
        (b'{"code": 0, "title": null, "showtime": 1642470748000}',
         {"code": 0, "title": None, "showtime": 1642470748000}),
        # raw control characters in strings, as real sources write them
        (b'{"code": 0, "text": "<p>a</p>\r\n\t<p>b</p>"}', {"code": 0, "text": "<p>a</p>\r\n\t<p>b</p>"}),
        # lone surrogates become U+FFFD; pairs and escaped backslashes stay
        (b'{"title": "a\\ud800b", "text": "<p>\\udfff</p>"}', {"title": "a\ufffdb", "text": "<p>\ufffd</p>"}),
        (b'{"title": "\\ud83d\\ude00 \\ude00\\ud83d"}', {"title": "\U0001f600 \ufffd\ufffd"}),
        (b'{"title": "\\\\ud800"}', {"title": "\\ud800"}),
        # a byte order mark before the JSON
        (b'\xef\xbb\xbf{"code": 0, "title": "t"}', {"code": 0, "title": "t"}),
    ],
)
def test_text_endpoint_answers_that_are_read(body, data):
    assert decode_text_endpoint(body) == (data, "utf-8")


@pytest.mark.parametrize("showtime", [b"NaN", b"Infinity", b"-Infinity"])
def test_a_non_finite_showtime_falls_back_to_the_listing_time(showtime):
    body = b'{"code": 0, "infoCode": "NW1", "title": "t", "showtime": ' + showtime + b', "text": "<p>x</p>"}'
    data, _ = decode_text_endpoint(body)
    now = datetime.fromisoformat("2026-01-01T00:00:00+08:00")
    entry = ListingEntry("NW1", "t", "2022-01-18 09:52", f"{BASE}/x")
    item = article_from_text_endpoint(data, entry, listing_media="m", share_url="s", source=BASE, now=now)
    assert item.published_at == "2022-01-18T09:52:00+08:00"
    alone = article_from_text_endpoint(data, None, listing_media="m", share_url="s", source=BASE, now=now)
    assert alone.published_at is None
    assert problem(alone) == ("no_time", f"no parsable time (raw {str(data['showtime'])!r})")


@pytest.mark.parametrize("showtime", ["0001-01-01 00:00:00", "9999-12-31 23:59:59", "0001-01-01T00:00:00+09:00"])
def test_a_showtime_off_the_plausible_range_falls_back_to_the_listing_time(showtime):
    data = {"code": 0, "infoCode": "NW1", "title": "t", "showtime": showtime, "text": "<p>x</p>"}
    entry = ListingEntry("NW1", "t", "2022-01-18 09:52", f"{BASE}/x")
    item = article_from_text_endpoint(data, entry, listing_media="m", share_url="s", source=BASE,
                                      now=datetime.fromisoformat("2026-01-01T00:00:00+08:00"))
    assert item.published_at == "2022-01-18T09:52:00+08:00"


def test_lone_surrogates_reach_the_item_as_replacement_characters():
    body = ('{"code": 0, "infoCode": "NW1", "title": "\\ud800标题", "showtime": "2022-01-18 09:52", '
            '"medianame": "m", "text": "<p>\\udfff正文</p>"}').encode("utf-8")
    data, _ = decode_text_endpoint(body)
    item = article_from_text_endpoint(data, None, listing_media=None, share_url="s", source=BASE,
                                      now=datetime.fromisoformat("2026-01-01T00:00:00+08:00"))
    assert (item.title, item.body_html, item.body_text) == ("\ufffd标题", "<p>\ufffd正文</p>", "\ufffd正文")
    assert problem(item) is None


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


ESCAPED_ANSWER = json.dumps({"code": 0, "infoCode": "NW1", "title": "标题\U0001f600", "showtime": 1642470748000,
                             "score": -1.5e-10, "flags": [True, False, None], "text": "<p>正文</p>"}).encode()


@pytest.mark.parametrize(
    "body",
    [(PAGES / "text_endpoint_messy.json").read_bytes(), SEED_ANSWER.read_bytes(), ESCAPED_ANSWER],
    ids=["messy", "seed", "escaped"],
)
def test_every_cut_off_answer_is_retried_never_dropped(body):
    for cut in range(len(body.rstrip())):
        with pytest.raises(BadArticleAnswer) as caught:
            decode_text_endpoint(body[:cut])
        assert type(caught.value) is BadArticleAnswer, (cut, body[max(0, cut - 20):cut])


def test_any_answer_that_decodes_makes_an_item_that_encodes():
    """Whatever fields an answer holds, once decoded it builds an item
    without raising, and every text of the item can be written as UTF-8."""
    pieces = ["\\ud800", "\\udfff", "\\u0000", "\\u001f", "\\ufeff", "<p>", "</p>", "<script>", "&#xd800;", "&#0;",
              "{{", '\\"', "\\\\", "NaN", "---", "中文", " ", "\\t", "\\n", "<!--", "&", "#", ":"]
    times = ["NaN", "-Infinity", "1e400", "-1", "1642470748000", '"0001-01-01"', '"9999-12-31"', '"2022-01-18"']
    rng = random.Random(11)
    now = datetime.fromisoformat("2026-01-01T00:00:00+08:00")
    for _ in range(1000):
        fields = {name: '"' + "".join(rng.choices(pieces, k=rng.randrange(1, 10))) + '"'
                  for name in ("title", "medianame", "text")}
        body = ('{"code": 0, "infoCode": "NW1", "showtime": %s, ' % rng.choice(times)
                + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}").encode("utf-8")
        data, _ = decode_text_endpoint(body)
        entry = rng.choice([None, ListingEntry("NW1", "t", "2022-01-18 09:52", f"{BASE}/x")])
        item = article_from_text_endpoint(data, entry, listing_media="m", share_url="s", source=BASE, now=now)
        for value in dataclasses.astuple(item):
            if isinstance(value, str):
                value.encode("utf-8")
