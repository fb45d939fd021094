"""The webapi and rolling spiders over the replica's JSON feeds."""

import json
import urllib.request

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl
from tests.posts import SITE, assert_category_post, liquid_escaped, split_post


@pytest.fixture(scope="module")
def corpus():
    return Corpus.generate(size=80, seed=51)


@pytest.fixture(scope="module")
def replica(corpus):
    with ReplicaServer(corpus) as server:
        yield server


def feed(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def test_webapi_then_category_writes_each_article_once(replica, corpus, tmp_path):
    out = tmp_path / "out"
    media_top = [n["infocode"] for n in feed(f"{replica.url}/web/webapi?type=45&count=15")["nodeList"]]
    webapi = crawl(out, replica.url, "-a", "count=15", spider="webapi")
    assert webapi.returncode == 0, webapi.log[-3000:]
    from_feeds = {i["info_code"] for i in webapi.items()}
    writable = {r.info_code for r in corpus.writable()}
    assert set(media_top) & writable <= from_feeds
    assert len(from_feeds) > 15, "the market feeds added their own entries"
    posts = webapi.posts()
    for item in webapi.items():
        record = corpus.records[item["info_code"]]
        assert item["title"] == record.clean_title
        assert item["body_html"] == "\n".join(record.clean_paragraphs)
        assert_category_post(posts[f"{item['published_at'][:10]}-{item['info_code']}.md"], item)

    category = crawl(out, replica.url)
    assert category.returncode == 0, category.log[-3000:]
    codes = [i["info_code"] for i in category.items()]
    assert sorted(codes) == sorted(writable), "every article once, whichever spider met it first"
    assert category.summary["written"] == len(writable - from_feeds)
    assert category.summary["skipped_known"] >= len(from_feeds)


def test_rolling_news_posts_in_the_second_layout(replica, corpus, tmp_path):
    out = tmp_path / "out"
    records = feed(f"{replica.url}/web/webapi?type=102&count=12")["records"]
    result = crawl(out, replica.url, "-a", "count=12", spider="rolling")
    assert result.returncode == 0, result.log[-3000:]
    by_code = {r["infoCode"]: r for r in records}
    items = result.items()
    assert {i["info_code"] for i in items} == {r["infoCode"] for r in records} & {r.info_code for r in corpus.writable()}
    posts = result.posts()
    for item in items:
        entry = by_code[item["info_code"]]
        text = posts[f"{item['published_at'][:10]}-{entry['id']}.md"]
        meta, lines = split_post(text)
        assert meta["layout"] == "post" and meta["title"] == item["title"]
        assert meta["categories"] == "emnews" and meta["tags"] == "东财滚动新闻"
        digest = entry["digest"].split("】", 1)[1]
        assert lines == [f"> {liquid_escaped(digest)}", ""] + liquid_escaped(item["body_html"]).splitlines() + [
            "",
            f"<{entry['url_w']}>",
            "",
            f"[返回东财滚动新闻](//{SITE}/emnews/)｜[返回首页](//{SITE}/)",
        ]
        assert item["share_url"] == entry["url_w"] and item["category"] == "emnews"
    again = crawl(out, replica.url, "-a", "categories=dzrb", spider="category")
    assert not {i["info_code"] for i in again.items()[len(items):]} & {i["info_code"] for i in items}


def feed_response(body: bytes):
    from scrapy.http import TextResponse

    return TextResponse("http://127.0.0.1/web/webapi?type=45", body=body, encoding="utf-8")


def test_a_feed_nested_too_deep_is_a_bad_answer_not_a_crash():
    from newscrawler.pages.article import BadArticleAnswer
    from newscrawler.pages.feeds import parse_media_feed

    with pytest.raises(BadArticleAnswer):
        parse_media_feed(feed_response(b'{"nodeList": ' + b"[" * 100000 + b"]" * 100000 + b"}"))


def test_lone_surrogates_in_a_feed_become_replacement_characters():
    from newscrawler.pages.feeds import parse_media_feed

    [entry] = parse_media_feed(feed_response(
        b'{"nodeList": [{"infocode": "NW\\ud800X", "title": "t\\udfff", "from": "m", "showtime": "x"}]}'))
    assert entry.info_code == "NW\ufffdX" and entry.title == "t\ufffd"
    entry.info_code.encode("utf-8")
