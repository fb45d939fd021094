"""`scrapy parse URL` without -c (nor --spider) for every page of the source,
as a Scrapy user runs it: real processes against the replica."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store.sqlite import SQLiteSeenStore
from tests.crawling import ENV, REPO_ROOT, crawl

SEED = "NW202201182251444627"
SEED_ANSWERS = Path(__file__).parent / "fixtures" / "seed"


@pytest.fixture(scope="module")
def replica():
    corpus = Corpus.generate(size=80, seed=131)
    corpus.add_answers(SEED_ANSWERS)
    with ReplicaServer(corpus) as server:
        yield server


def scrapy_parse(output: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "parse", "--nocolour", "-s", f"OUTPUT_DIR={output}",
                           "-s", "LOG_LEVEL=INFO", url, *args],
                          cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=120)


def printed_requests(stdout: str) -> list[str]:
    return re.findall(r"<GET (\S+)>", stdout.split("# Requests", 1)[1])


def printed_codes(stdout: str) -> list[str]:
    return re.findall(r"'info_code': '([^']+)'", stdout.split("# Scraped Items", 1)[1].split("# Requests")[0])


def assert_no_claim_pending(output: Path) -> None:
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    store.owner = "someone else:1"
    try:
        assert store.stale_claims() == [] and store.done_codes() == set()
    finally:
        store.close()


def test_a_listing_prints_its_articles_and_next_page(replica, tmp_path):
    proc = scrapy_parse(tmp_path / "out", f"{replica.url}/category/dzrb.html")
    assert proc.returncode == 0, proc.stderr[-3000:]
    requests = printed_requests(proc.stdout)
    listed = [r.info_code for r in replica.corpus.listing("dzrb", 1) if " " not in r.info_code]
    assert requests == [f"{replica.url}/NewsData/GetNewsText.do?id={code}" for code in listed] + [
        f"{replica.url}/category/dzrb.html?page=2"]
    assert printed_codes(proc.stdout) == []
    assert_no_claim_pending(tmp_path / "out")


def test_an_article_prints_its_item(replica, tmp_path):
    proc = scrapy_parse(tmp_path / "out", f"{replica.url}/NewsData/GetNewsText.do?id={SEED}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert printed_codes(proc.stdout) == [SEED]
    assert "'title': '五大举措支撑保障聊城经济稳定发展'" in proc.stdout
    assert printed_requests(proc.stdout) == []


def test_a_share_page_is_followed_to_its_article(replica, tmp_path):
    url = f"{replica.url}/html_News/NewsShare.html?infoCode={SEED}"
    proc = scrapy_parse(tmp_path / "out", url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert printed_requests(proc.stdout) == [f"{replica.url}/NewsData/GetNewsText.do?id={SEED}"]
    deeper = scrapy_parse(tmp_path / "out", url, "--depth", "2")
    assert deeper.returncode == 0, deeper.stderr[-3000:]
    assert printed_codes(deeper.stdout) == [SEED]


@pytest.mark.parametrize("path, count", [
    ("/web/webapi?type=45&count=4", 4),
    ("/information/newmarket/web/webapi?marketType=38&count=3", 3),
    ("/web/webapi?type=102&count=5", 5),
    ("/category/", 6),
])
def test_feeds_and_the_index_print_their_requests(replica, tmp_path, path, count):
    proc = scrapy_parse(tmp_path / "out", replica.url + path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    requests = printed_requests(proc.stdout)
    assert len(requests) == count and all(r.startswith(replica.url) for r in requests)
    assert "Traceback" not in proc.stderr


def test_a_page_the_spider_does_not_read_fails_in_one_line(replica, tmp_path):
    proc = scrapy_parse(tmp_path / "out", f"{replica.url}/category/", "--spider=rolling")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if "] ERROR: " in line]
    assert len(errors) == 1 and f"The rolling spider does not read {replica.url}/category/" in errors[0]
    assert "Traceback" not in proc.stderr


def test_a_url_that_is_no_page_of_the_source_is_one_line(replica, tmp_path):
    proc = scrapy_parse(tmp_path / "out", f"{replica.url}/about.html")
    assert proc.returncode == 2
    assert proc.stderr == (f"scrapy: error: no spider reads {replica.url}/about.html: it is none of the "
                           "source's pages (SOURCE.md); name one with --spider and its callback with -c\n")


def test_an_article_that_is_not_there_fails(replica, tmp_path):
    proc = scrapy_parse(tmp_path / "out", f"{replica.url}/NewsData/GetNewsText.do?id=NW0")
    assert proc.returncode == 1
    assert "No response downloaded" in proc.stderr and "Traceback" not in proc.stderr


def test_a_parse_below_the_first_page_records_no_walk(replica, tmp_path):
    output = tmp_path / "out"
    assert crawl(output, replica.url, "-a", "categories=dzrb").returncode == 0
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    watermark = store.walk_markers("category:dzrb")
    store.close()
    assert watermark == [r.info_code for r in replica.corpus.listing("dzrb", 1)]
    proc = scrapy_parse(output, f"{replica.url}/category/dzrb.html?page=2", "--depth", "10")
    assert proc.returncode == 0, proc.stderr[-3000:]
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    assert store.walk_markers("category:dzrb") == watermark
    store.close()
