"""`make site`: the skeleton filled with a crawl's output, built by a real
Jekyll with Debian's jekyll-feed and jekyll-paginate: a page per post,
Atom feeds, pages with older/newer links, links that stay in the site,
centred images."""

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl
from tests.posts import split_post
from tests.sitebuild import build_site, site_plugins_missing

# Text endpoint answers served besides the generated corpus: centred images,
# and a title and body that a careless feed template would break.
ANSWERS = Path(__file__).parent / "fixtures" / "site_answers"
ATOM = "{http://www.w3.org/2005/Atom}"
PER_PAGE = 20
# The preview: the site served at http://127.0.0.1:4000/newscrawler/, crawled
# with SITE_URL set to it, so that the posts' back links stay in it too.
PREVIEW_ORIGIN, PREVIEW_BASE = "http://127.0.0.1:4000", "/newscrawler"


def answers_below_the_rolling_feed(corpus: Corpus, folder: Path) -> Path:
    """ANSWERS, dated just older than the 50 articles of the rolling feed:
    the newest posts of their category, in its feed."""
    folder.mkdir()
    when = corpus.newest(55)[-1].published - timedelta(seconds=30)
    for path in ANSWERS.glob("*.json"):
        answer = json.loads(path.read_text(encoding="utf-8"))
        answer["showtime"] = f"{when:%Y-%m-%d %H:%M:%S}"
        (folder / path.name).write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    return folder


def built_post(site: Path, items: list[dict], code: str) -> Path:
    item = next(i for i in items if i["info_code"] == code)
    return site / item["category"] / item["published_at"][:10].replace("-", "/") / f"{code}.html"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    if reason := site_plugins_missing():
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("site")
    corpus = Corpus.generate(size=300, seed=81)
    corpus.add_answers(answers_below_the_rolling_feed(corpus, root / "answers"))
    with ReplicaServer(corpus) as replica:
        for spider in ("rolling", "category"):
            result = crawl(root / "out", replica.url, "-s", f"SITE_URL={PREVIEW_ORIGIN[7:]}{PREVIEW_BASE}",
                           spider=spider)
            assert result.returncode == 0, result.log[-2000:]
        items = result.items()
        corpus.categories["dzrb"].records.clear()  # a failed run, for the status page
        assert crawl(root / "out", replica.url, "-s", f"SITE_URL={PREVIEW_ORIGIN[7:]}{PREVIEW_BASE}").returncode == 1
    return root / "out", items


@pytest.fixture(scope="module")
def built(crawled):
    out, _ = crawled
    return out, build_site(out, out.parent / "build")


@pytest.fixture(scope="module")
def preview(crawled):
    out, items = crawled
    site = build_site(out, out.parent / "preview", BASEURL=PREVIEW_BASE, URL=PREVIEW_ORIGIN)
    return site, items


def page(path):
    return lxml.html.fromstring(path.read_bytes())


def posts_by_category(out: Path) -> dict[str, set[str]]:
    """Each category's posts, as the file name of their built page."""
    found: dict[str, set[str]] = {}
    for post in (out / "_posts").glob("*.md"):
        category = split_post(post.read_text(encoding="utf-8"))[0]["categories"]
        found.setdefault(category, set()).add(f"{post.name[11:-3]}.html")
    return found


def local_file(site: Path, url: str, root: str) -> Path | None:
    """The file of `site` that `url` (absolute) serves when the site is at
    `root`; None when the URL is not in the site."""
    if not url.startswith(root):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(root).path):].lstrip("/")
    target = site / path
    return target / "index.html" if target.is_dir() or path == "" or path.endswith("/") else target


def walk_pages(site: Path, first: str, root: str = "http://site.test") -> list[list[str]]:
    """Follow the rel=next links from the page at `first`: each page's post
    links (absolute); every rel=prev link leads back to the page before."""
    pages, url, previous = [], urljoin(root + "/", first.lstrip("/")), None
    while url:
        doc = page(local_file(site, url, root))
        pages.append([urljoin(url, href) for href in doc.xpath("//ul[@class='posts']//a/@href")])
        prev = doc.xpath("//a[@rel='prev']/@href")
        assert [urljoin(url, h) for h in prev] == ([previous] if previous else [])
        nxt = doc.xpath("//a[@rel='next']/@href")
        previous, url = url, urljoin(url, nxt[0]) if nxt else None
        assert len(pages) < 100
    return pages


def test_a_page_per_post(built):
    out, site = built
    for post in (out / "_posts").glob("*.md"):
        meta, _ = split_post(post.read_text(encoding="utf-8"))
        day = post.name[:10].replace("-", "/")
        built_page = site / meta["categories"] / day / f"{post.name[11:-3]}.html"
        assert built_page.exists(), built_page
        assert page(built_page).findtext(".//h1") == meta["title"]


def test_home_lists_every_category(built):
    out, site = built
    home = page(site / "index.html")
    hrefs = home.xpath("//ul[@class='categories']//a/@href")
    assert sorted(hrefs) == sorted([f"/category/{p.stem}.html" for p in (out / "category").glob("*.html")] + ["/emnews/"])


def test_every_post_is_reachable_from_the_home_page_through_its_pages(built):
    out, site = built
    pages = walk_pages(site, "/")
    every = {name for names in posts_by_category(out).values() for name in names}
    linked = [url.rsplit("/", 1)[-1] for links in pages for url in links]
    assert sorted(linked) == sorted(every)
    assert len(pages) == -(-len(every) // PER_PAGE) > 2
    assert all(len(links) == PER_PAGE for links in pages[:-1])
    assert page(site / "page2" / "index.html").xpath("//ul[@class='categories']") == []


def test_every_post_is_reachable_from_its_category_through_its_pages(built):
    out, site = built
    by_category = posts_by_category(out)
    assert by_category["emnews"] and sum(len(names) > PER_PAGE for names in by_category.values()) >= 3
    for slug, names in by_category.items():
        first = "/emnews/" if slug == "emnews" else f"/category/{slug}.html"
        pages = walk_pages(site, first)
        linked = [url.rsplit("/", 1)[-1] for links in pages for url in links]
        assert sorted(linked) == sorted(names), slug
        assert len(pages) == max(1, -(-len(names) // PER_PAGE)), slug
        dates = [url.split("/")[-4:-1] for links in pages for url in links]
        assert dates == sorted(dates, reverse=True), f"{slug}: newest first"


def feed_entries(path: Path) -> list:
    root = lxml.etree.fromstring(path.read_bytes())  # valid XML, or this raises
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_atom_feeds_newest_first_linking_inside_the_site(built):
    out, site = built
    by_category = posts_by_category(out)
    feeds = {None: site / "feed.xml", **{slug: site / "feed" / f"{slug}.xml" for slug in by_category}}
    every = {name for names in by_category.values() for name in names}
    for slug, feed in feeds.items():
        entries = feed_entries(feed)
        published = [e.findtext(f"{ATOM}published") for e in entries]
        assert published == sorted(published, reverse=True), feed
        names = by_category[slug] if slug else every
        assert len(entries) == min(PER_PAGE, len(names)), feed
        for entry in entries:
            link = urljoin("http://site.test/feed.xml", entry.find(f"{ATOM}link").get("href"))
            target = local_file(site, link, "http://site.test")
            assert target and target.exists() and target.name in names, (feed, link)
            assert page(target).findtext(".//h1") == entry.findtext(f"{ATOM}title")


def feed_category(relative: Path) -> str | None:
    """The category whose feed a built page links, None for the home pages."""
    first = relative.parts[0]
    if len(relative.parts) == 1 or re.fullmatch(r"page\d+", first):
        return None  # the home page, its pages, the status page
    return relative.parts[1].removesuffix(".html") if first == "category" else first


def links_of(doc) -> list[str]:
    return doc.xpath("//@href | //@src")


def test_feeds_keep_titles_and_bodies_as_they_are(built):
    _, site = built
    entries = {e.findtext(f"{ATOM}id").rsplit("/", 1)[-1]: e for e in feed_entries(site / "feed" / "dazhongribao.xml")}
    entry = entries["NW202611200931000002"]
    assert entry.findtext(f"{ATOM}title") == '央行"MLF"操作 -- 利率不变...'
    body = lxml.html.fromstring(f"<div>{entry.findtext(f'{ATOM}content')}</div>")
    assert body.xpath("//img/@alt") == ["]]><entry><title>伪造</title></entry>"]
    # The control character is dropped when the body is cleaned (XML forbids it).
    assert "文中的 ]]> 与 控制字符" in body.text_content()


def test_every_page_links_the_feeds_in_its_head(built):
    out, site = built
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(list((out / "_posts").glob("*.md")))
    for path in pages:
        feeds = page(path).xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")
        slug = feed_category(path.relative_to(site))
        assert feeds == ["/feed.xml"] + ([f"/feed/{slug}.xml"] if slug else []), path
        assert all((site / href.lstrip("/")).exists() for href in feeds), path


def test_no_link_of_a_preview_leaves_it(preview):
    site, items = preview
    root = f"{PREVIEW_ORIGIN}{PREVIEW_BASE}/"
    # What comes from the source: the share links, and the body's own links and images.
    from_source = {i["share_url"] for i in items}
    for item in items:
        if item["body_html"]:
            from_source |= set(links_of(lxml.html.fromstring(f"<div>{item['body_html']}</div>")))
    checked = 0
    for path in site.rglob("*"):
        if path.suffix == ".html":
            url = root + str(path.relative_to(site))
            links = [(url, href) for href in links_of(page(path))]
        elif path.suffix == ".xml":
            url = root + str(path.relative_to(site))
            links = [(url, link.get("href")) for link in lxml.etree.fromstring(path.read_bytes()).iter(f"{ATOM}link")]
            for content in lxml.etree.fromstring(path.read_bytes()).iter(f"{ATOM}content"):
                links += [(content.get("{http://www.w3.org/XML/1998/namespace}base"), href)
                          for href in links_of(lxml.html.fromstring(f"<div>{content.text}</div>"))]
        else:
            continue
        for base, href in links:
            target = urljoin(base, href)
            if target in from_source:
                continue
            checked += 1
            file = local_file(site, target.split("#")[0], root)
            assert file is not None and file.exists(), (path, href, target)
    assert checked > 1000


def test_centred_images_keep_their_layout(crawled, built):
    _, items = crawled
    _, site = built
    post = page(built_post(site, items, "NW202611200930000001"))
    centred = post.xpath("//p[@class='center']")
    assert [p.xpath("./img/@src") for p in centred] == [
        ["https://img.example/port.jpg"], ["https://img.example/chart.png"], []]
    assert [p.text_content().strip() for p in centred] == ["图为聊城港口（资料图）", "", "图表：1月吞吐量"]
    assert post.xpath("//article//@style") == []
    assert re.search(r"\.center\s*\{\s*text-align:\s*center;\s*\}", post.findtext(".//style"))


def test_the_status_page_shows_the_runs(built):
    out, site = built
    home = page(site / "index.html")
    assert home.xpath("//p[@class='status']/a/@href") == ["/status.html"]
    status = page(site / "status.html")
    rows = status.xpath("//table[@class='runs']//tr[td]")
    assert [row.xpath("string(td[2])").split()[0] for row in rows] == ["category", "category", "rolling"]
    assert rows[0].get("class") == "failed" and "category dzrb listed" in rows[0].xpath("string(td[5])")
    assert [row.get("class") for row in rows[1:]] == ["ok", "ok"]
    written = [int(row.xpath("string(td[4])")) for row in rows]
    assert written[0] == 0 and written[1] > 0 and written[2] > 0
    svg = status.xpath("//*[local-name()='svg']")[0]
    assert len(svg.xpath(".//*[local-name()='polyline']")) == 2, "one line per source"
    assert len(svg.xpath(".//*[local-name()='path']")) == 1, "the failed run is a cross"
    assert not status.xpath("//script")
