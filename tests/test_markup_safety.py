"""No value from the source reaches the built site as markup, and every
front-matter value parses back, in PyYAML and in Jekyll's own YAML parser
(Ruby's Psych), to the string that was meant (issue 10, classes 6 and 7)."""

import html
import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml

from newscrawler.cleaning.text import clean_text, without_bracketed_lead
from newscrawler.pages.article import article_from_text_endpoint
from newscrawler.postformat import render_category_page, render_post, yaml_quoted, yaml_scalar
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.replica.corpus import Category
from newscrawler.replica.hostile import POST, expected_outcome, hostile_corpus
from tests.articles import article
from tests.crawling import REPO_ROOT, crawl
from tests.test_postformat import HOSTILE_TEXTS, HOSTILE_TITLES, YAML_LOOKALIKES

JEKYLL_FIXTURE = Path(__file__).parent / "fixtures" / "jekyll"
SITE_SKELETON = REPO_ROOT / "site"
SITE = "finews.withounder.com"

# Jekyll reads front matter with Psych.safe_load, Date and Time permitted.
PSYCH_LOAD = r"""
require "yaml"; require "json"; require "date"; require "time"
docs = JSON.parse($stdin.read).map do |doc|
  begin
    value = Psych.safe_load(doc, permitted_classes: [Date, Time])
    next {"__not_a_mapping__" => value.inspect} unless value.is_a?(Hash)
    value.transform_values { |v| v.is_a?(Time) ? v.iso8601 : v }
  rescue => e
    {"__error__" => e.message}
  end
end
print JSON.generate(docs)
"""


def psych_load(documents: list[str]) -> list[dict]:
    """Each YAML document as Ruby's Psych reads it (times as ISO 8601)."""
    if not shutil.which("ruby"):
        pytest.skip("ruby is not installed (it comes with Debian's jekyll): apt-get install jekyll")
    proc = subprocess.run(["ruby", "-e", PSYCH_LOAD], input=json.dumps(documents), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def front_matter_text(page: str) -> str:
    assert page.startswith("---\n")
    return page[4:].partition("\n---\n")[0]


# --- front matter through Psych ---------------------------------------------

def test_yaml_scalars_parse_back_in_psych():
    texts = YAML_LOOKALIKES + ["大众日报新闻", "dazhongribao", "emnews", "21shijijingjibaodao", "_x", "0x1g", "yesno"]
    loaded = psych_load([f"v: {yaml_scalar(t)}" for t in texts])
    assert [d.get("v", d) for d in loaded] == texts


def test_yaml_quoted_titles_parse_back_in_psych():
    titles = HOSTILE_TITLES + HOSTILE_TEXTS + ["标题\ufffe中\uffff间", "\x00\x07\x1b\x7f\x85\x9f", "\u2028\u2029\ufeff",
                                               "\U0001f600", "a\n---\nb: c"]
    loaded = psych_load([f"v: {yaml_quoted(t)}" for t in titles])
    assert [d.get("v", d) for d in loaded] == titles


@pytest.mark.parametrize("slug", ["yes", "null", "360", "0x1a", "On", "1000", "15", "y", "Off"])
def test_front_matter_of_yaml_looking_categories_parses_back_in_psych(slug):
    post = render_post(article(category=slug, media=slug), SITE)
    page = render_category_page(slug, slug)
    meta, category = psych_load([front_matter_text(post), front_matter_text(page)])
    assert meta == {"layout": "post", "title": "五大举措支撑保障聊城经济稳定发展", "date": "2022-01-18T09:52:28+08:00",
                    "categories": slug, "tags": f"{slug}新闻"}
    assert category == {"layout": "category", "title": f"{slug}新闻", "category": slug}


def test_media_that_looks_like_markup_still_gets_its_slug():
    # The media name is clean text once loaded; the text "<b>" is no tag.
    item = article_from_text_endpoint(
        {"code": 0, "infoCode": "NW1", "title": "t", "showtime": "2022-01-18 09:52",
         "medianame": "&lt;script&gt;alert(1)&lt;/script&gt;", "text": "<p>x</p>"},
        None, listing_media=None, share_url="s", source="http://127.0.0.1:8000",
        now=datetime.fromisoformat("2026-01-01T00:00:00+08:00"))
    assert (item.media, item.category) == ("<script>alert(1)</script>", "scriptalert1script")


# --- the built site ------------------------------------------------------------

def jekyll_build(source: Path) -> Path:
    """`jekyll build` of `source`; fails on any error Jekyll reports, even one
    it builds past (a post whose front matter it cannot read is left out)."""
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed: apt-get install jekyll")
    proc = subprocess.run(["jekyll", "build", "--source", str(source), "--destination", str(source / "_site")],
                          capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Error" not in output, output
    return source / "_site"


def site_with(layouts: Path, content: list[Path], source: Path) -> Path:
    """`source`, a Jekyll source folder: `layouts`' site (config, layouts,
    home page) and the folders of `content` (OUTPUT_DIRs: posts, category pages)."""
    shutil.copytree(layouts, source)
    for folder in content:
        for path in folder.iterdir():
            if path.is_dir():
                shutil.copytree(path, source / path.name, dirs_exist_ok=True)
    return source


_ACTIVE_ELEMENT = re.compile(r"<\s*(script|iframe|svg|object|embed|math|form|base|meta\s+http-equiv)\b", re.I)


def assert_no_markup_from_source(site: Path) -> None:
    files = [p for p in site.rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not _ACTIVE_ELEMENT.search(text), (path, _ACTIVE_ELEMENT.search(text))
        if path.suffix != ".html":
            continue
        doc = lxml.html.fromstring(text)
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), path
        for value in doc.xpath("//@href | //@src | //@action | //@formaction | //@data | //@srcset"):
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not squeezed.startswith(("javascript:", "data:", "vbscript:")), (path, value)


def page(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def listed_posts(site: Path, first_page) -> set[str]:
    """The post pages a category page lists, on it and on the older pages
    its rel=next links lead to."""
    listed, doc = set(), first_page
    while doc is not None:
        listed |= {href.rsplit("/", 1)[-1] for href in doc.xpath("//ul[@class='posts']//a/@href")}
        older = doc.xpath("//a[@rel='next']/@href")
        doc = page(site / older[0].lstrip("/")) if older else None
    return listed


def back_link(doc):
    return next(a for a in doc.xpath("//a") if a.text_content().startswith("返回") and a.text_content() != "返回首页")


URLS = [
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//evil.example/x", None),
    ("http://finance.example/a\n<script>alert(1)</script>",
     "http://finance.example/a%0A%3Cscript%3Ealert(1)%3C/script%3E"),
    ('http://finance.example/b"><img src=x onerror=alert(1)>',
     "http://finance.example/b%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"),
    ("http://finance.example/c d\te", "http://finance.example/c%20d%09e"),
    ("http://finance.example/路径?q=中&r={{x}}",
     "http://finance.example/%E8%B7%AF%E5%BE%84?q=%E4%B8%AD&r=%7B%7Bx%7D%7D"),
    ("http://finance.example/ok.html", "http://finance.example/ok.html"),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Posts and category pages rendered straight from hostile items: each
    hostile text as a media name, a digest and a title, each URL as url_w."""
    out = tmp_path_factory.mktemp("rendered") / "out"
    (out / "_posts").mkdir(parents=True)
    (out / "category").mkdir()
    (out / "emnews").mkdir()
    cases = []
    # As items hold them: one line, collapsed and stripped.
    texts = dict.fromkeys(" ".join(t.split()) for t in HOSTILE_TEXTS + HOSTILE_TITLES + YAML_LOOKALIKES)
    for i, text in enumerate(texts):
        slug = text if text in YAML_LOOKALIKES and text.isascii() and text.isalnum() else f"m{i}"
        url, expected_url = URLS[i % len(URLS)]
        code = f"NW{i:03d}"
        item = article(info_code=code, title=text or "空", media=text, category=slug)
        rolling = article(info_code=code, title=text or "空", rolling_id=f"9{i:03d}", digest=text, category="emnews",
                          media="东财滚动", share_url=url)
        (out / "_posts" / f"2022-01-18-{code}.md").write_text(render_post(item, SITE), encoding="utf-8")
        (out / "_posts" / f"2022-01-18-9{i:03d}.md").write_text(render_post(rolling, SITE), encoding="utf-8")
        (out / "category" / f"{slug}.html").write_text(render_category_page(text, slug), encoding="utf-8")
        fallback = f"http://127.0.0.1:8000/html_News/NewsShare.html?infoCode={code}"
        cases.append((item, rolling, expected_url or fallback))
    (out / "emnews" / "index.html").write_text(render_category_page("东财滚动", "emnews"), encoding="utf-8")
    return out, cases


@pytest.mark.parametrize("layouts", [JEKYLL_FIXTURE, SITE_SKELETON], ids=["fixture layouts", "site layouts"])
def test_rendered_hostile_values_build_as_text(rendered, layouts):
    out, cases = rendered
    site = jekyll_build(site_with(layouts, [out], out.parent / f"{layouts.name}-site"))
    assert_no_markup_from_source(site)
    for item, rolling, expected_url in cases:
        # Jekyll puts a post under its categories in lower case.
        post = page(site / item.category.lower() / "2022/01/18" / f"{item.info_code}.html")
        assert text_of(post.xpath("//h1")[-1]) == item.title
        assert text_of(back_link(post)) == f"返回{item.media}新闻"
        category = page(site / "category" / f"{item.category}.html")
        assert text_of(category.xpath("//h1")[-1]) == f"{item.media}新闻"
        assert {a.get("href").rsplit("/", 1)[-1] for a in category.xpath("//ul[@class='posts']//a")} == {
            f"{item.info_code}.html"}
        rolled = page(site / "emnews" / "2022/01/18" / f"{rolling.rolling_id}.html")
        assert [text_of(q) for q in rolled.xpath("//blockquote")] == ([rolling.digest] if rolling.digest else [])
        assert rolled.xpath("//a/@href")[-3] == expected_url


# --- a real crawl of hostile records, both spiders -------------------------------

DIGESTS = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "【标题】[点我](javascript:alert(1)) ![x](javascript:alert(2)) <javascript:alert(3)>",
    '{: onclick="alert(4)"} *粗* `码` ~~删~~ | 表 | $$x$$',
    "# 标题 -- ... {{ site.title }} {% raw %} &amp;lt;",
    "1. 列表",
    "&gt; 引用",
    "<script>alert(5)</script>",
]
# Media names of the hostile corpus that are their own slugs.
YAML_MEDIA = ("yes", "null", "360", "0x1A", "On")


def markup_corpus() -> Corpus:
    """The hostile corpus (without its 50 MB page), its records also in the
    rolling feed with hostile digests and url_w."""
    corpus = hostile_corpus()
    categories = [Category(c.cid, c.name, c.encoding, [r for r in c.records if expected_outcome(r) != "too_large"])
                  for c in corpus.categories.values()]
    for i, record in enumerate(r for c in categories for r in c.records):
        record.digest = DIGESTS[i % len(DIGESTS)]
        record.url_w = URLS[i % len(URLS)][0]
    return Corpus(categories)


def expected_share_link(item: dict, url_w: str, base: str) -> str:
    safe = dict(URLS)[url_w]
    return safe or f"{base}/html_News/NewsShare.html?infoCode={item['info_code']}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("markup")
    corpus = markup_corpus()
    # Each run exits 1 (its drop rate is over 20 %), as test_hostile expects.
    with ReplicaServer(corpus) as replica:
        category = crawl(root / "category", replica.url)
        rolling = crawl(root / "rolling", replica.url, "-a", f"count={len(corpus.records)}",
                        "-O", str(root / "rolling-items.jsonl"), spider="rolling")
    for result in (category, rolling):
        assert "Traceback" not in result.log and "ERROR: Error processing" not in result.log, result.log[-3000:]
    exported = (root / "rolling-items.jsonl").read_text(encoding="utf-8")
    rolling_items = [json.loads(line) for line in exported.splitlines()]
    return corpus, replica.url, category, rolling, rolling_items


def test_both_spiders_write_every_hostile_post(crawled):
    corpus, _, category, rolling, rolling_items = crawled
    expected = {r.info_code for r in corpus.records.values() if expected_outcome(r) == POST}
    assert {i["info_code"] for i in category.items()} == expected
    assert {i["info_code"] for i in rolling_items} == expected
    assert len(category.posts()) == len(rolling.posts()) == len(expected)


def test_front_matter_parses_back_to_the_items_in_pyyaml_and_psych(crawled):
    _, _, category, rolling, rolling_items = crawled
    pairs = [(category.posts()[f"{i['published_at'][:10]}-{i['info_code']}.md"], i) for i in category.items()]
    pairs += [(rolling.posts()[f"{i['published_at'][:10]}-{i['rolling_id']}.md"], i) for i in rolling_items]
    in_psych = psych_load([front_matter_text(post) for post, _ in pairs])
    for (post, item), from_psych in zip(pairs, in_psych):
        tag = f"{item['media']}新闻"
        expected = {"layout": "post", "title": item["title"], "categories": item["category"],
                    "tags": [tag] if any(ch.isspace() for ch in tag) else tag}  # Jekyll splits strings at spaces
        from_pyyaml = yaml.safe_load(front_matter_text(post))
        date = from_pyyaml.pop("date")
        assert date == f"{item['published_at'][:10]} {item['published_at'][11:19]} +0800"
        assert from_pyyaml == expected
        assert from_psych == dict(expected, date=item["published_at"]), item["info_code"]
    for path in (category.output / "category").glob("*.html"):
        meta = yaml.safe_load(front_matter_text(path.read_text(encoding="utf-8")))
        assert meta["category"] == path.stem and isinstance(meta["title"], str)


def test_yaml_looking_media_give_string_categories(crawled):
    _, _, category, _, _ = crawled
    items = {i["media"]: i for i in category.items()}
    posts = category.posts()
    for slug in YAML_MEDIA:
        item = items[slug]
        assert item["category"] == slug
        post = front_matter_text(posts[f"{item['published_at'][:10]}-{item['info_code']}.md"])
        page_meta = front_matter_text((category.output / "category" / f"{slug}.html").read_text(encoding="utf-8"))
        assert yaml.safe_load(post)["categories"] == slug and yaml.safe_load(page_meta)["category"] == slug
        from_psych, page_from_psych = psych_load([post, page_meta])
        assert from_psych["categories"] == slug and page_from_psych["category"] == slug


def test_long_media_name_gives_a_bounded_file_name(crawled):
    _, _, category, _, _ = crawled
    names = [p.name for p in (category.output / "category").iterdir()]
    assert names and max(len(n.encode()) for n in names) <= 64 + len(".html")
    assert any(i["media"] == "超长的媒体名" * 50 for i in category.items())


@pytest.fixture(scope="module")
def skeleton_site(crawled):
    """Both crawls' output built as `make site` builds it."""
    _, _, category, rolling, _ = crawled
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed: apt-get install jekyll")
    merged = category.output.parent / "merged"
    for folder in (category.output, rolling.output):
        for path in folder.iterdir():
            if path.is_dir():
                shutil.copytree(path, merged / path.name, dirs_exist_ok=True)
    build = category.output.parent / "build"
    proc = subprocess.run([str(REPO_ROOT / "tools" / "build-site.sh"), str(merged), str(build)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "Error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return build / "_site"


@pytest.fixture(scope="module", params=[JEKYLL_FIXTURE, SITE_SKELETON], ids=["fixture layouts", "site layouts"])
def crawled_site(crawled, request):
    _, _, category, rolling, _ = crawled
    if request.param == SITE_SKELETON:  # as `make site` builds it
        return request.getfixturevalue("skeleton_site")
    source = site_with(JEKYLL_FIXTURE, [category.output, rolling.output], category.output.parent / "fixture-site")
    return jekyll_build(source)


def test_built_site_runs_nothing_from_the_source(crawled_site):
    assert_no_markup_from_source(crawled_site)


def test_the_feeds_hold_the_hostile_texts_as_text(crawled, skeleton_site):
    """The Atom feeds: valid XML, titles as text, content that is, once read
    as HTML, as free of active markup as the pages."""
    _, _, category, _, rolling_items = crawled
    titles = {i["title"] for i in category.items() + rolling_items}
    feeds = [skeleton_site / "feed.xml", *(skeleton_site / "feed").glob("*.xml")]
    assert len(feeds) > 2
    atom = "{http://www.w3.org/2005/Atom}"
    for path in feeds:
        entries = lxml.etree.fromstring(path.read_bytes()).findall(f"{atom}entry")
        assert entries, path
        for entry in entries:
            assert entry.find(f"{atom}title").get("type") == "text"
            assert " ".join(entry.findtext(f"{atom}title").split()) in {" ".join(t.split()) for t in titles}
            content = lxml.html.fragment_fromstring(entry.findtext(f"{atom}content"), create_parent="div")
            html_text = lxml.html.tostring(content, encoding="unicode")
            assert not _ACTIVE_ELEMENT.search(html_text), (path, _ACTIVE_ELEMENT.search(html_text))
            assert not content.xpath("//@*[starts-with(name(), 'on')]"), path
            for value in content.xpath("//@href | //@src"):
                assert not re.sub(r"[\x00-\x20]", "", value).lower().startswith(("javascript:", "data:")), value


def test_built_site_shows_the_hostile_texts_as_text(crawled, crawled_site):
    corpus, base, category, rolling, rolling_items = crawled
    site = crawled_site
    for item in category.items():
        day = item["published_at"][:10].replace("-", "/")
        post = page(site / item["category"].lower() / day / f"{item['info_code']}.html")
        assert text_of(post.xpath("//h1")[-1]) == item["title"]
        assert text_of(back_link(post)) == f"返回{item['media']}新闻"
        assert back_link(post).get("href") == f"//{SITE}/category/{item['category']}.html"
        category_page = page(site / "category" / f"{item['category']}.html")
        assert text_of(category_page.xpath("//h1")[-1]) == f"{item['media']}新闻"
        assert f"{item['info_code']}.html" in listed_posts(site, category_page)
    medias = {i["media"] for i in category.items()}
    assert {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", *YAML_MEDIA} <= medias
    assert "<img src=x onerror=alert(1)>标题" in {i["title"] for i in category.items()}
    records = {r.info_code: r for r in corpus.records.values()}
    for item in rolling_items:
        record = records[item["info_code"]]
        day = item["published_at"][:10].replace("-", "/")
        post = page(site / "emnews" / day / f"{item['rolling_id']}.html")
        digest = without_bracketed_lead(clean_text(record.digest))
        quotes = post.xpath("//blockquote")
        assert [text_of(q) for q in quotes] == ([digest] if digest else [])
        assert post.xpath("//a/@href")[-3] == expected_share_link(item, record.url_w, base)
        assert text_of(back_link(post)) == "返回东财滚动新闻"
    quoted = {text_of(q) for path in site.joinpath("emnews").rglob("*.html") for q in page(path).xpath("//blockquote")}
    assert {html.unescape(d) for d in DIGESTS[:2]} <= quoted
