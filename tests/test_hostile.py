"""Hostile input served by the replica: a clean post or a clear drop each,
nothing outside OUTPUT_DIR, and a Jekyll build that stays safe."""

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
import yaml

from newscrawler.replica import ReplicaServer
from newscrawler.replica.hostile import LIQUID_TEXT, POST, expected_outcome, hostile_corpus
from tests.crawling import crawl

JEKYLL_SITE = Path(__file__).parent / "fixtures" / "jekyll"


@pytest.fixture(scope="module")
def corpus():
    return hostile_corpus()


@pytest.fixture(scope="module")
def run(corpus, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    with ReplicaServer(corpus) as replica:
        result = crawl(root / "out", replica.url)
    return root, result


def test_every_case_ends_as_expected(run, corpus):
    _, result = run
    # The drop rate fails the run, as it should.
    assert result.returncode == 1, result.log[-3000:]
    assert "Run failed:" in result.log and "articles dropped" in result.log
    assert "Traceback" not in result.log
    outcomes = Counter(expected_outcome(r) for r in corpus.records.values())
    written = {i["info_code"] for i in result.items()}
    expected_posts = {r.info_code for r in corpus.records.values() if expected_outcome(r) == POST}
    assert written == expected_posts
    assert len(result.posts()) == len(written) == outcomes[POST]
    drops = {k: v for k, v in outcomes.items() if k != POST}
    assert result.summary["dropped_by_reason"] == drops
    assert result.summary["failed"] == 0
    assert "larger than download max size" in result.log and "Gave up on article" not in result.log


def test_drop_lines_are_single_bounded_lines(run):
    _, result = run
    lines = [line for line in result.log.splitlines() if "Dropped article" in line]
    assert len(lines) == result.summary["dropped"]
    assert all(len(line) < 400 for line in lines)


@pytest.mark.parametrize("info_code, reason", [
    ("NWHOSTILEDEEP", "too_deep"), ("NWHOSTILECODE1", "unknown_code"), ("NWHOSTILEARRAY", "not_an_object"),
    ("NWHOSTILETYPE", "bad_field"), ("NWHOSTILEJSON", "bad_json"), ("NWHOSTILENINF", "no_time"),
])
def test_an_unusable_answer_is_one_warning_naming_the_article_and_the_reason(run, info_code, reason):
    _, result = run
    lines = [line for line in result.log.splitlines() if info_code in line]
    assert len(lines) == 1, lines
    assert f"WARNING: Dropped article {info_code}: {reason}: " in lines[0]


def test_hostile_values_make_clean_posts(run, corpus):
    _, result = run
    items = {i["info_code"]: i for i in result.items()}
    listing_time = "2024-05-06T07:08:00+08:00"
    off_the_calendar = [r.info_code for r in corpus.records.values()
                        if str(r.showtime)[:4] in ("0001", "9999") and expected_outcome(r) == POST]
    assert len(off_the_calendar) == 3
    for code in ("NWHOSTILENAN", "NWHOSTILEINF", *off_the_calendar):
        assert items[code]["published_at"] == listing_time, code
    assert items["NWHOSTILESURT"]["title"] == "半个\ufffd代理"
    assert items["NWHOSTILESURB"]["body_html"] == "<p>正文\ufffd结束</p>"
    assert items["NWHOSTILECODE0"]["title"] == "正常标题"


@pytest.fixture(scope="module")
def rerun(run, corpus, tmp_path_factory):
    """The same crawl again, on a copy of the first run's output."""
    root, _ = run
    again = tmp_path_factory.mktemp("hostile-rerun")
    shutil.copytree(root / "out", again / "out")
    with ReplicaServer(corpus) as replica:
        return crawl(again / "out", replica.url)


def test_a_second_run_refetches_no_dropped_article(rerun):
    """Drops are remembered until RECHECK_REJECTED_AFTER, not refetched
    every run (a page over DOWNLOAD_MAXSIZE included); bad infoCodes are
    never fetched."""
    assert "Traceback" not in rerun.log
    assert rerun.summary["written"] == 0
    assert rerun.summary["article_requests"] == 0, rerun.summary


def test_an_empty_info_code_is_not_refetched_every_run(rerun):
    assert "Dropped article None" not in rerun.log
    assert "Dropped article" not in rerun.log


def test_nothing_is_written_outside_the_output_dir(run):
    root, result = run
    for path in root.rglob("*"):
        if path.is_file():
            assert path.is_relative_to(root / "out") or path.name.startswith("out-"), path
    assert not list(root.rglob("passwd"))
    assert {p.name for p in (root / "out").iterdir()} <= {
        "_posts", "category", "items.jsonl", "runs", ".leases", "status.html", "dedupe.sqlite3", "dedupe.sqlite3-wal",
        "dedupe.sqlite3-shm"}
    assert not [p for p in (root / "out").rglob(".tmp-*")]


def test_titles_are_clean_and_parse_back(run):
    _, result = run
    items = {i["info_code"]: i for i in result.items()}
    posts = result.posts()
    for item in items.values():
        post = posts[f"{item['published_at'][:10]}-{item['info_code']}.md"]
        front = yaml.safe_load(post[4:].partition("\n---\n")[0])
        assert front["title"] == item["title"]
        assert "\n" not in item["title"] and item["title"] == item["title"].strip()
    titles = {i["title"] for i in items.values()}
    assert "第一行 第二行 第三行" in titles
    assert "加粗<i>字面</i>" in titles
    assert '他说"涨停"了' in titles and "路径\\反斜杠\\n不是换行\\" in titles
    assert "列表里的标题" in titles
    assert any(t.startswith("坏字节") for t in titles)


def test_bodies_are_sanitized(run):
    _, result = run
    for item in result.items():
        body = item["body_html"].lower()
        for bad in ("<script", "<style", "<iframe", "<svg", "<object", "javascript:", "onerror", "onclick",
                    "onload", "onmouseover"):
            assert bad not in body, (item["info_code"], bad)


def jekyll_missing():
    return None if shutil.which("jekyll") else "jekyll is not installed: apt-get install jekyll"


@pytest.fixture(scope="module")
def built_site(run, tmp_path_factory):
    if reason := jekyll_missing():
        pytest.skip(reason)
    _, result = run
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(JEKYLL_SITE, site, dirs_exist_ok=True)
    shutil.copytree(result.output / "_posts", site / "_posts")
    shutil.copytree(result.output / "category", site / "category")
    proc = subprocess.run(["jekyll", "build", "--source", str(site), "--destination", str(site / "_site")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site / "_site", result


def test_jekyll_builds_a_page_per_post(built_site):
    out, result = built_site
    pages = {p.stem for p in out.rglob("NW*.html")}
    assert pages == {i["info_code"] for i in result.items()}


def test_liquid_comes_out_literally(built_site):
    out, result = built_site
    liquid_title = next(i for i in result.items() if i["title"].startswith("{{ site.title }}"))
    page = next(out.rglob(f"{liquid_title['info_code']}.html"))
    doc = lxml.html.fromstring(page.read_bytes())
    assert doc.findtext(".//h1").strip() == "{{ site.title }} 与 {% include x.html %}"
    dangerous = next(i for i in result.items() if "正文第一段" in i["body_text"])
    text = next(out.rglob(f"{dangerous['info_code']}.html")).read_text(encoding="utf-8")
    body_text = lxml.html.fromstring(text).text_content()
    assert LIQUID_TEXT in body_text
    assert "{% endraw %}{{ page.title }}" in body_text
    for html_file in out.rglob("*.html"):
        assert "SITE-TITLE-MUST-NOT-LEAK" not in lxml.html.fromstring(html_file.read_bytes()).find(".//body").text_content()


def test_no_script_handler_or_javascript_url_in_the_built_site(built_site):
    out, _ = built_site
    for html_file in out.rglob("*.html"):
        doc = lxml.html.fromstring(html_file.read_bytes())
        assert not doc.xpath("//script | //iframe | //object | //embed | //svg"), html_file
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), html_file
        assert not [u for u in doc.xpath("//@href | //@src") if u.strip().lower().startswith("javascript:")]


def test_category_index_links_every_post(built_site):
    out, result = built_site
    page = lxml.html.fromstring((out / "category" / "eyiyangbenbao.html").read_bytes())
    links = {href.rsplit("/", 1)[-1][:-5] for href in page.xpath("//ul[@class='posts']/li/a/@href")}
    assert links == {i["info_code"] for i in result.items() if i["category"] == "eyiyangbenbao"}
