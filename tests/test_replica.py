"""The replica over a real socket."""

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from newscrawler.replica.corpus import PAGE_SIZE
from newscrawler.replica.render import SHARE_PAGE


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def corpus():
    return Corpus.generate(size=90, seed=5)


@pytest.fixture(scope="module")
def replica(corpus):
    with ReplicaServer(corpus) as server:
        yield server


def test_same_seed_same_corpus():
    a, b = Corpus.generate(50, seed=9), Corpus.generate(50, seed=9)
    assert [(r.info_code, r.title, r.text, r.showtime) for r in a.records.values()] == \
           [(r.info_code, r.title, r.text, r.showtime) for r in b.records.values()]
    assert list(Corpus.generate(50, seed=10).records) != list(a.records)


def test_corpus_has_every_kind_of_mess(corpus):
    texts = "".join(r.text for r in corpus.records.values())
    for mess in ["\u3000\u3000", "&nbsp;", "\u200b", "<p></p>", "<span", "<font", "onclick=", "style=",
                 "<script>", "<style>", "<!--", "<br><br>", "&ldquo;", "\r\n", '<div class="Body">']:
        assert mess in texts, mess
    titles = "".join(r.title for r in corpus.records.values())
    for mess in ["\u3000", "&ldquo;", "&quot;", '"', "：", ":", "#", "{{"]:
        assert mess in titles, mess
    shapes = {type(r.showtime).__name__ if not isinstance(r.showtime, str) else
              re.sub(r"\d", "9", r.showtime) for r in corpus.records.values()}
    assert {"int", "", "9999-99-99 99:99:99", "9999/99/99 99:99"} <= shapes
    assert any(s.startswith("/Date(") for s in shapes) and any("年" in s for s in shapes)
    assert sum(len(r.cids) == 2 for r in corpus.records.values()) >= 3


def test_index_and_paginated_listings(replica, corpus):
    status, _, body = get(replica.url + "/category/")
    assert status == 200
    cids = re.findall(r'href="/category/(\w+)\.html"', body.decode())
    assert cids == list(corpus.categories)
    cid = max(corpus.categories, key=lambda c: len(corpus.categories[c].records))
    pages = corpus.page_count(cid)
    assert pages >= 2
    seen = []
    for n in range(1, pages + 1):
        status, headers, body = get(f"{replica.url}/category/{cid}.html?page={n}")
        text = body.decode(headers["Content-Type"].partition("charset=")[2] or "gbk")
        seen += re.findall(r'data-infocode="([^"]+)"', text)
        assert ('class="next"' in text) == (n < pages)
    assert seen == [r.info_code for r in corpus.categories[cid].records]
    assert len(seen) > PAGE_SIZE
    assert get(f"{replica.url}/category/{cid}.html?page={pages + 1}")[0] == 404


def test_gbk_listings(replica):
    _, headers, body = get(replica.url + "/category/cqrb.html")
    assert headers["Content-Type"] == "text/html; charset=GBK"
    assert "重庆日报" in body.decode("gbk")
    _, headers, body = get(replica.url + "/category/zgzqb.html")
    assert headers["Content-Type"] == "text/html"
    assert '<meta charset="gbk">' in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_text_endpoint(replica, corpus):
    record = corpus.writable()[0]
    status, headers, body = get(f"{replica.url}/NewsData/GetNewsText.do?id={record.info_code}")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == record.answer()
    status, _, body = get(f"{replica.url}/NewsData/GetNewsText.do?id=NOPE")
    assert status == 404 and json.loads(body)["code"] == 404


def test_share_page_is_an_es5_shell(replica):
    status, _, body = get(f"{replica.url}/html_News/NewsShare.html?infoCode=NW1")
    page = body.decode()
    assert status == 200 and page == SHARE_PAGE
    for modern in ["=>", "fetch(", "URLSearchParams", "let ", "const ", "`", "async "]:
        assert modern not in page
    assert re.search(r'<h1 id="title"></h1>', page) and '<div id="newsContent"></div>' in page


def test_list_feeds(replica, corpus):
    _, _, body = get(f"{replica.url}/web/webapi?type=45&count=5")
    nodes = json.loads(body)["nodeList"]
    assert len(nodes) == 5 and set(nodes[0]) == {"infocode", "title", "from", "showtime"}
    assert [n["infocode"] for n in nodes] == [r.info_code for r in corpus.newest(5)]
    total = 0
    for market in (37, 38, 39):
        _, _, body = get(f"{replica.url}/information/newmarket/web/webapi?marketType={market}&count=500")
        records = json.loads(body)["record"]
        assert set(records[0]) == {"infoCode", "title", "medianame", "datetime"}
        total += len(records)
    assert total == len(corpus.records)
    assert get(f"{replica.url}/information/newmarket/web/webapi?marketType=1")[0] == 400


def test_extra_answers_are_served(tmp_path):
    answer = {"code": 0, "infoCode": "NWX1", "title": "额外", "showtime": "2022-01-18 09:52:28",
              "medianame": "新媒体", "text": "<p>正文</p>"}
    (tmp_path / "a.json").write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    corpus = Corpus.generate(size=0)
    assert corpus.add_answers(tmp_path) == 1
    with ReplicaServer(corpus) as server:
        assert json.loads(get(server.url + "/NewsData/GetNewsText.do?id=NWX1")[2]) == answer
        index = get(server.url + "/category/")[2].decode()
        cid = re.search(r'href="/category/(\w+)\.html">新媒体<', index).group(1)
        assert "2022-01-18 09:52" in get(f"{server.url}/category/{cid}.html")[2].decode()


def test_faults_are_off_by_default_and_deterministic(corpus):
    urls = [f"/NewsData/GetNewsText.do?id={code}" for code in list(corpus.records)[:40]]

    def statuses(faults):
        with ReplicaServer(corpus, faults=faults) as server:
            return [get(server.url + u)[0] for u in urls]

    assert set(statuses(Faults())) <= {200, 404}
    faulty = statuses(Faults(error_rate=0.5, seed=4))
    assert {500, 503} & set(faulty) and 200 in faulty
    assert faulty == statuses(Faults(error_rate=0.5, seed=4))


def test_truncated_bodies_and_latency(corpus):
    code = corpus.writable()[0].info_code
    with ReplicaServer(corpus, faults=Faults(truncate_rate=1.0, latency=0.2)) as server:
        started = time.monotonic()
        status, headers, body = get(f"{server.url}/NewsData/GetNewsText.do?id={code}")
        assert time.monotonic() - started >= 0.2
    assert status == 200 and int(headers["Content-Length"]) == len(body)
    with pytest.raises(ValueError):
        json.loads(body)


def test_hits_are_counted_by_route(corpus):
    with ReplicaServer(corpus) as server:
        get(server.url + "/category/")
        get(server.url + "/NewsData/GetNewsText.do?id=x")
        get(server.url + "/NewsData/GetNewsText.do?id=y")
        assert server.hits["index"] == 1 and server.hits["text"] == 2


def test_command_line_serves_on_a_chosen_port():
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawler.replica", "--port", "0", "--size", "25"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert get(url + "/category/")[0] == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
