"""`make site`: the skeleton filled with a crawl's output, built by a real Jekyll."""

import shutil
import subprocess

import lxml.html
import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import REPO_ROOT, crawl
from tests.posts import split_post


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed: apt-get install jekyll")
    root = tmp_path_factory.mktemp("site")
    corpus = Corpus.generate(size=60, seed=81)
    with ReplicaServer(corpus) as replica:
        for spider in ("rolling", "category"):
            result = crawl(root / "out", replica.url, spider=spider)
            assert result.returncode == 0, result.log[-2000:]
        corpus.categories["dzrb"].records.clear()  # a failed run, for the status page
        assert crawl(root / "out", replica.url).returncode == 1
    proc = subprocess.run([str(REPO_ROOT / "tools" / "build-site.sh"), str(root / "out"), str(root / "build")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "out", root / "build" / "_site"


def page(path):
    return lxml.html.fromstring(path.read_bytes())


def test_a_page_per_post(built):
    out, site = built
    for post in (out / "_posts").glob("*.md"):
        meta, _ = split_post(post.read_text(encoding="utf-8"))
        day = post.name[:10].replace("-", "/")
        built_page = site / meta["categories"] / day / f"{post.name[11:-3]}.html"
        assert built_page.exists(), built_page
        assert page(built_page).findtext(".//h1") == meta["title"]


def test_category_pages_link_their_posts(built):
    out, site = built
    categories = {p.stem for p in (out / "category").glob("*.html")} | {"emnews"}
    assert (out / "emnews" / "index.html").exists() and "dazhongribao" in categories
    for slug in categories:
        built_page = site / ("emnews/index.html" if slug == "emnews" else f"category/{slug}.html")
        linked = {href.rsplit("/", 1)[-1][:-5] for href in page(built_page).xpath("//ul[@class='posts']//a/@href")}
        expected = {p.name[11:-3] for p in (out / "_posts").glob("*.md")
                    if split_post(p.read_text(encoding="utf-8"))[0]["categories"] == slug}
        assert linked == expected and linked, slug


def test_home_lists_every_category(built):
    out, site = built
    home = page(site / "index.html")
    hrefs = set(home.xpath("//ul[@class='categories']//a/@href"))
    assert hrefs == {f"/category/{p.stem}.html" for p in (out / "category").glob("*.html")} | {"/emnews/"}


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
