"""No post ever overwrites another article's post: rolling news posts are
named by the feed's id, which is unique for nothing."""

import json

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store import SQLiteSeenStore
from tests.crawling import crawl


def test_rolling_ids_that_collide_never_overwrite_a_post(tmp_path):
    corpus = Corpus.generate(size=60, seed=181)
    newest = corpus.newest(60)
    taken, taker = newest[5], newest[2]
    # An id equal to another article's infoCode, on the same day: the same
    # post name as that article's own post.
    taker.rolling_id = taken.info_code
    taker.showtime = taken.showtime = f"{taken.published:%Y-%m-%d %H:%M:%S}"
    taker.published = taken.published
    # Two entries with one id.
    newest[0].rolling_id = newest[1].rolling_id = "777"
    newest[1].showtime = newest[0].showtime = f"{newest[0].published:%Y-%m-%d %H:%M:%S}"
    output = tmp_path / "out"
    rolling_codes = {r.info_code for r in newest[:8]}
    with ReplicaServer(corpus) as replica:
        rolling = crawl(output, replica.url, "-a", "count=8", spider="rolling")
        category = crawl(output, replica.url)
    assert rolling.returncode == 0 and category.returncode == 0, category.log[-3000:]
    items = [json.loads(line) for line in (output / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    posts = {p.name: p.read_text(encoding="utf-8") for p in (output / "_posts").glob("*.md")}
    expected = {r.info_code for r in corpus.writable()}
    assert sorted(i["info_code"] for i in items) == sorted(expected)
    assert len(posts) == len(items), "one post per article: none replaced another"
    for item in items:
        holders = [name for name, text in posts.items() if f"<{item['share_url']}>" in text]
        assert len(holders) == 1, (item["info_code"], holders)
    assert {i["info_code"] for i in items if i["category"] == "emnews"} == rolling_codes & expected
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    names = [store.post_name(code) for code in expected]
    store.close()
    assert sorted(names) == sorted(posts), "the store knows each post's name"
