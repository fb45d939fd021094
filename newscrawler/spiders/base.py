"""What every spider shares: the store, Splash, and the article requests."""

import logging
import zlib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

import redis
import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import CloseSpider
from scrapy_splash import SplashRequest
from twisted.internet.defer import CancelledError

from newscrawler.breaker import Breaker
from newscrawler.cluster.claims import CLAIM_OWNER, ClaimLost
from newscrawler.cluster.run import ClusterRun, stop_for_redis
from newscrawler.extensions.health import NOT_SEEDING_STAT
from newscrawler.logformatter import short_repr
from newscrawler.outcomes import STORE_FAILED_STAT, store_down
from newscrawler.pages.article import (
    ArticleNotFound,
    BadArticleAnswer,
    UnusableAnswer,
    article_from_text_endpoint,
    decode_text_endpoint,
)
from newscrawler.middlewares.samesite import same_site
from newscrawler.pages.listing import ListingEntry
from newscrawler.pages.share import share_page_answer
from newscrawler.pipelines.validate import INFO_CODE
from newscrawler.pipelines.validate import STATS_PREFIX as DROPPED_STATS
from newscrawler.recovery import settle_own_claims
from newscrawler.spiders.routes import ARTICLE, SHARE, article_code, page_kind
from newscrawler.store import StoreError, open_store

logger = logging.getLogger(__name__)

# Articles before the next listing page: the queue stays short (memory is
# flat whatever the site's size) and the posts come out early.
ARTICLE_PRIORITY = 10

TEXT_ENDPOINT = "/NewsData/GetNewsText.do?id={code}"
SHARE_PAGE = "/html_News/NewsShare.html?infoCode={code}"


def count_problem(value) -> str | None:
    """What is wrong with a ``-a count=N`` value (None when nothing is)."""
    if value is None or (str(value).isdigit() and int(value) > 0):
        return None
    return f"count must be a whole number of entries over 0, not {value!r}"


def parse_shard(value) -> tuple[int, int] | None:
    """``-a shard=I/N``: this process takes the articles whose infoCode
    hashes to I modulo N, so N processes split one crawl."""
    if not value:
        return None
    index, _, count = str(value).partition("/")
    if not (index.isdigit() and count.isdigit() and 0 <= int(index) < int(count)):
        raise ValueError(f"shard must be I/N with 0 <= I < N, not {value!r}")
    return int(index), int(count)


def in_shard(info_code: str, shard: tuple[int, int]) -> bool:
    return zlib.crc32(info_code.encode("utf-8")) % shard[1] == shard[0]


class ArticleSpider(scrapy.Spider):
    """Base of the spiders. ``-a base_url=URL`` (default: setting
    ``BASE_URL``). Subclasses define ``site_requests()``, the crawl's first
    requests (made once Splash answered, if used), and hand listing entries
    to `follow_entries`.

    Articles come from the text endpoint, or, with ``SPLASH_URL`` set, from
    the share page rendered by Splash (falling back to the text endpoint
    for a page Splash fails to render, and for every page while Splash is
    down: ``SPLASH_BREAKER_FAILURES`` failures in a row, one WARNING, one
    page tried through Splash every ``SPLASH_RETRY_AFTER`` seconds)."""

    # The spider's -a NAME=VALUE arguments: NAME -> (VALUE, what it does).
    # `scrapy crawl --help` lists them; `argument_problem` checks them.
    ARGUMENTS = {
        "base_url": ("URL", "the site to crawl (default: the setting BASE_URL)"),
        "shard": ("I/N", "take only the articles whose infoCode hashes to I of N, so N processes "
                         "sharing the store split one crawl"),
    }

    # The kinds of page (newscrawler.spiders.routes) this spider reads, and
    # the callback of each: `parse` picks one by the URL.
    CALLBACKS = {ARTICLE: "parse_article", SHARE: "parse_share_page"}

    @classmethod
    def argument_problem(cls, spargs: dict) -> str | None:
        """What is wrong with the spider's arguments, in one line (None
        when nothing is): checked before the crawl starts."""
        try:
            parse_shard(spargs.get("shard"))
        except ValueError as exc:
            return str(exc)
        return None

    def __init__(self, base_url=None, shard=None, **kwargs):
        super().__init__(**kwargs)
        self._base_url_arg = base_url
        self.shard = parse_shard(shard)
        self.given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.base_url = (spider._base_url_arg or settings["BASE_URL"]).rstrip("/")
        parts = urlsplit(spider.base_url)
        spider.source = f"{parts.scheme}://{parts.netloc}"
        spider.share_base_url = (settings.get("SHARE_BASE_URL") or spider.base_url).rstrip("/")
        spider.media_slugs = settings.getdict("MEDIA_SLUGS")
        spider.splash_url = settings.get("SPLASH_URL")
        # The page may load nothing but the crawled site (a redirect or an
        # element of the article pointing elsewhere is blocked), and no image.
        spider.splash_args = {"wait": settings.getfloat("SPLASH_WAIT"), "timeout": settings.getfloat("SPLASH_TIMEOUT"),
                              "allowed_domains": parts.hostname, "images": 0}
        spider.splash_retries = settings.getint("SPLASH_RETRIES")
        spider.splash_breaker = Breaker(settings.getint("SPLASH_BREAKER_FAILURES"),
                                        settings.getfloat("SPLASH_RETRY_AFTER"))
        spider.output_dir = Path(settings["OUTPUT_DIR"])
        spider.seen = open_store(settings)
        crawler.signals.connect(spider.close_store, signal=scrapy.signals.spider_closed)
        return spider

    def close_store(self, spider, reason):
        """Whatever ended the run (finished, Ctrl-C, a failure, `scrapy
        parse`): give back the claims of articles it did not write."""
        try:
            _, released = settle_own_claims(self.seen, self.output_dir)
            if released:
                self.stats.set_value("newscrawler/claims/released_at_close", released)
                logger.info("Gave back %d claimed articles this run did not write (the next run fetches them)",
                            released)
            self.record_walks()
        except (StoreError, OSError) as exc:
            logger.log(logging.WARNING if store_down(self.stats) else logging.ERROR,
                       "Could not settle this run's claims (%s): the next run does", exc)
        finally:
            self.seen.close()

    def record_walks(self) -> None:
        """Listing walks to remember at the end of a run (category spider)."""

    def store_failed(self, exc: StoreError) -> None:
        """The store cannot be used: stop the run, in one line."""
        said = store_down(self.stats)  # by a pipeline or the scheduler, which stop the run too
        self.stats.inc_value(STORE_FAILED_STAT)
        if not said:
            logger.error("Stopping the run: %s", exc)
            self.crawler.engine.close_spider(self, "store_unavailable")

    def on_site(self, url: str, what: str) -> bool:
        """Whether `url` may be followed; a link off the site is counted."""
        if same_site(url, self.base_url):
            return True
        self.stats.inc_value("newscrawler/offsite/refused")
        logger.warning("Not following %s %s: it is not on the crawled site %s", what, url, self.base_url)
        return False

    @property
    def stats(self):
        return self.crawler.stats

    def start_requests(self):
        if not self.seeds_run():
            return
        if self.splash_url:
            # Ask Splash first: if it is down, stop with a clear error
            # instead of crawling empty pages.
            yield scrapy.Request(
                self.splash_url.rstrip("/") + "/_ping",
                self.splash_ready,
                errback=self.splash_down,
                dont_filter=True,
                meta={"dont_retry": True, "dont_obey_robotstxt": True, "download_timeout": 15, "splash_ping": True},
            )
        else:
            yield from self.site_requests()

    def seeds_run(self) -> bool:
        """Whether this process makes the crawl's first requests: always,
        but on many workers (``REDIS_URL``) only the first of the run."""
        try:
            run = ClusterRun.of(self.crawler)
            if run is None or run.seeds():
                return True
        except redis.RedisError as exc:
            stop_for_redis(self.crawler, self, f"Stopping the run: Redis at {self.crawler.settings['REDIS_URL']} "
                                               f"fails ({exc})")
            return False
        self.stats.set_value(NOT_SEEDING_STAT, 1)
        logger.info("Run %s was started by another worker: taking requests from its queue", run.run_id)
        return False

    def splash_ready(self, response):
        """Splash answered its ping: the crawl's first requests follow.

        @site /category/
        @returns requests 1
        @returns items 0 0
        """
        logger.info("Splash at %s answers: rendering share pages through it", self.splash_url)
        yield from self.site_requests()

    def splash_down(self, failure):
        logger.error("Splash at %s does not answer (%s): start it, or unset SPLASH_URL to read "
                     "articles from the text endpoint", self.splash_url, failure.getErrorMessage())
        self.stats.set_value("newscrawler/splash/unavailable", 1)
        raise CloseSpider("splash_unavailable")
        # A generator: Scrapy then takes CloseSpider as the errback's output
        # and closes the spider, instead of logging a download traceback.
        yield  # pragma: no cover

    def follow_entries(self, entries, listing_media) -> list:
        """Requests for the articles of `entries` that no run has written
        (nor is writing): each is claimed in the store before it is fetched,
        so overlapping runs fetch it once. Entries of other shards are left
        to their own processes."""
        requests = []
        for entry in entries:
            if self.shard and not in_shard(entry.info_code, self.shard):
                continue
            if not INFO_CODE.fullmatch(entry.info_code):
                self.bad_code_listed(entry)
                continue
            try:
                claimed = self.seen.claim(entry.info_code)
            except StoreError as exc:
                self.store_failed(exc)
                break
            if not claimed:
                self.stats.inc_value("newscrawler/listing/known_skipped")
                continue
            self.stats.inc_value("newscrawler/article/requested")
            requests.append(self.article_request(entry, entry.media or listing_media))
        return requests

    def parse(self, response):
        """Any page this spider reads, its callback picked by the URL: what
        `scrapy parse URL` calls without -c. A share page that no browser
        rendered holds no article: it is followed to the article's request,
        as the crawl would fetch it.

        @site /NewsData/GetNewsText.do?id=NW202201182251444627
        @returns items 1 1
        @returns requests 0 0
        @fills info_code title published_at published_raw media category body_html body_text share_url
        """
        kind = page_kind(response.url, self.base_url)
        if kind == SHARE and "splash" not in response.meta:
            yield self.article_request(self.entry_from_url(response.url), None)
            return
        if (callback := self.CALLBACKS.get(kind)) is None:
            self.stats.inc_value("newscrawler/parse/unknown_page")
            logger.error("The %s spider does not read %s: it reads a %s", self.name, response.url,
                         " or a ".join(self.CALLBACKS))
            return
        yield from getattr(self, callback)(response)

    def entry_from_url(self, url: str) -> ListingEntry:
        """The listing entry of an article known only by its URL (`scrapy
        parse`, contracts): its code, no title or time to fall back on."""
        code = article_code(url)
        return ListingEntry(info_code=code, title="", time_raw="", url=self.share_url(code))

    def article_request(self, entry, listing_media):
        """The request that reads an article: its share page through Splash
        when ``SPLASH_URL`` is set and Splash is not down, else the text
        endpoint."""
        if not self.splash_url:
            return self.text_request(entry, listing_media)
        if self.splash_breaker.allows():
            return self.share_page_request(entry, listing_media)
        self.stats.inc_value("newscrawler/splash/bypassed")
        return self.text_request(entry, listing_media)

    def bad_code_listed(self, entry) -> None:
        """A listed code that could never name a file is not fetched: one
        counted drop, remembered until due for a recheck like any other."""
        try:
            if self.seen.known(entry.info_code):
                self.stats.inc_value("newscrawler/listing/known_skipped")
                return
            self.seen.reject(entry.info_code, "bad_info_code")
        except StoreError as exc:
            self.store_failed(exc)
            return
        self.stats.inc_value(DROPPED_STATS)
        self.stats.inc_value(f"{DROPPED_STATS}/bad_info_code")
        logger.warning("Dropped article %s: bad_info_code: infoCode %s is not [A-Za-z0-9_-]{1,64}",
                       short_repr(entry.info_code), short_repr(entry.info_code))

    def text_request(self, entry, listing_media):
        return scrapy.Request(
            self.base_url + TEXT_ENDPOINT.format(code=quote(entry.info_code, safe="")),
            self.parse_article,
            cb_kwargs={"entry": entry, "listing_media": listing_media},
            errback=self.article_failed,
            meta={"handle_httpstatus_list": [404], CLAIM_OWNER: self.seen.owner},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,
        )

    def share_page_request(self, entry, listing_media):
        return SplashRequest(
            self.base_url + SHARE_PAGE.format(code=quote(entry.info_code, safe="")),
            self.parse_share_page,
            endpoint="render.html",
            args=self.splash_args,
            cb_kwargs={"entry": entry, "listing_media": listing_media},
            errback=self.splash_failed,
            # Retried by splash_failed, not by Scrapy: none once Splash is down.
            meta={"max_retry_times": self.splash_retries, "dont_retry": True, CLAIM_OWNER: self.seen.owner},
            priority=ARTICLE_PRIORITY,
            dont_filter=True,
        )

    def share_url(self, info_code: str) -> str:
        return self.share_base_url + SHARE_PAGE.format(code=quote(info_code, safe=""))

    def parse_article(self, response, entry=None, listing_media=None):
        """An article from the text endpoint; without `entry` (`scrapy
        parse`, contracts), the one the URL asks for.

        @site /NewsData/GetNewsText.do?id=NW202201182251444627
        @returns items 1 1
        @fills info_code title published_at media category body_html body_text share_url source crawled_at
        """
        entry = entry or self.entry_from_url(response.url)
        try:
            if response.status == 404:
                raise ArticleNotFound("HTTP 404")
            data, encoding = decode_text_endpoint(response.body)
        except ArticleNotFound as exc:
            self.article_gone(entry, exc, response.url)
            return
        except UnusableAnswer as exc:
            self.article_unusable(entry, exc)
            return
        except BadArticleAnswer as exc:
            yield from self.retry_or_give_up(response, str(exc))
            return
        if encoding != "utf-8":
            self.stats.inc_value(f"newscrawler/article/read_as/{encoding}")
            logger.warning("Article %s is not valid UTF-8: read as %s", entry.info_code, encoding)
        if (item := self.article(data, entry, listing_media)) is not None:
            yield item

    def parse_share_page(self, response, entry=None, listing_media=None):
        """An article from its share page as Splash rendered it; without
        `entry`, the one the URL asks for. The check reads the page saved
        from a real render of this URL by Splash.

        @site /html_News/NewsShare.html?infoCode=NW202201182251444627
        @rendered share_page.html
        @returns items 1 1
        @fills info_code title published_at media category body_html body_text share_url
        """
        entry = entry or self.entry_from_url(response.url)
        if self.splash_breaker.succeeded():
            logger.info("Splash at %s renders again: share pages go through it again", self.splash_url)
        try:
            data = share_page_answer(response, entry.info_code)
        except ArticleNotFound as exc:
            self.article_gone(entry, exc, response.url)
            return
        except BadArticleAnswer as exc:
            retry = get_retry_request(response.request, spider=self, reason="splash_empty_page")
            yield retry if retry is not None else self.fall_back(entry, listing_media, str(exc))
            return
        self.stats.inc_value("newscrawler/splash/rendered")
        if (item := self.article(data, entry, listing_media)) is not None:
            yield item

    def splash_failed(self, failure):
        if failure.check(ClaimLost):
            return
        request, kwargs = failure.request, failure.request.cb_kwargs
        if self.splash_breaker.failed():
            self.stats.inc_value("newscrawler/splash/outages")
            logger.warning("Splash at %s failed %d times in a row (%s): reading articles from the text endpoint, "
                           "and trying Splash again every %gs", self.splash_url, self.splash_breaker.failures,
                           failure.getErrorMessage(), self.splash_breaker.retry_after)
        if not self.splash_breaker.open and request.meta.get("retry_times", 0) < self.splash_retries:
            yield get_retry_request(request, spider=self, reason="splash_failed")
            return
        yield self.fall_back(kwargs["entry"], kwargs["listing_media"], repr(failure.value))

    def fall_back(self, entry, listing_media, reason):
        self.stats.inc_value("newscrawler/splash/fallback")
        # While Splash is down its one WARNING said it all.
        logger.log(logging.DEBUG if self.splash_breaker.open else logging.WARNING,
                   "Splash failed on %s (%s): reading it from the text endpoint", entry.info_code, reason)
        return self.text_request(entry, listing_media)

    def article(self, data, entry, listing_media):
        """The item of an answer; None (a counted drop) when the answer is
        of another article than the one asked for."""
        answered = data.get("infoCode")
        if answered not in (None, "") and str(answered).strip() != entry.info_code:
            self.article_unusable(entry, UnusableAnswer(
                "code_mismatch", f"asked for {short_repr(entry.info_code)}, answered {short_repr(str(answered))}"))
            return None
        return article_from_text_endpoint(
            data,
            entry,
            listing_media=listing_media,
            share_url=self.share_url(entry.info_code),
            source=self.source,
            now=datetime.now(timezone.utc),
            media_slugs=self.media_slugs,
        )

    def article_gone(self, entry, exc, url):
        self.stats.inc_value("newscrawler/article/not_found")
        self.settle(entry.info_code, "not_found")
        logger.info("Article %s is gone (%s): %s", entry.info_code, exc, url)

    def settle(self, info_code: str, rejected_for: str | None) -> None:
        """Reject the claim of an article that makes no post (`rejected_for`
        a reason), or, for one given up, release it so a later run fetches
        it again: up to ``ARTICLE_MAX_FAILED_RUNS`` runs in a row, after
        which it is rejected too (a 403, an empty answer: not every run)."""
        try:
            if rejected_for:
                self.seen.reject(info_code, rejected_for)
                return
            if info_code in self.given_up:  # listed twice, given up twice: one run
                self.seen.release(info_code)
                return
            self.given_up.add(info_code)
            runs, most = self.seen.record_failure(info_code), self.crawler.settings.getint("ARTICLE_MAX_FAILED_RUNS")
            if most and runs >= most:
                self.seen.reject(info_code, "failed_repeatedly")
                self.stats.inc_value("newscrawler/article/dropped")
                self.stats.inc_value("newscrawler/article/dropped/failed_repeatedly")
                logger.warning("Dropped article %s: failed_repeatedly: given up in %d runs in a row; "
                               "fetched again after RECHECK_REJECTED_AFTER", short_repr(info_code), runs)
            else:
                self.seen.release(info_code)
        except StoreError as exc:
            self.store_failed(exc)

    def article_unusable(self, entry, exc):
        """An answer that will be the same next time: dropped and counted as
        the validator drops, and skipped until ``RECHECK_REJECTED_AFTER``."""
        self.stats.inc_value(DROPPED_STATS)
        self.stats.inc_value(f"{DROPPED_STATS}/{exc.reason}")
        self.settle(entry.info_code, exc.reason)
        logger.warning("Dropped article %s: %s", short_repr(entry.info_code), exc)

    def article_dropped(self, code: str, reason: str, detail: str) -> None:
        self.stats.inc_value("newscrawler/article/dropped")
        self.stats.inc_value(f"newscrawler/article/dropped/{reason}")
        self.settle(code, reason)
        logger.warning("Dropped article %s: %s: %s", code, reason, detail)

    def listing_failed(self, failure):
        self.stats.inc_value("newscrawler/listing/failed")
        logger.error("Gave up on listing %s: %s (the next run walks it again)",
                     failure.request.url, failure.getErrorMessage())

    def article_failed(self, failure):
        if failure.check(ClaimLost):
            return None
        code = failure.request.cb_kwargs["entry"].info_code
        # An answer that will be the same next time: a drop with a reason,
        # not a page given up and fetched again every run. (A redirect off
        # the site is given up like a 503: a source under maintenance.)
        if failure.check(CancelledError) and "larger than download max size" in failure.getErrorMessage():
            return self.article_dropped(code, "too_large", "the answer is over DOWNLOAD_MAXSIZE")
        self.stats.inc_value("newscrawler/article/failed")
        self.settle(code, None)
        logger.error("Gave up on article %s: %s (the next run fetches it again)",
                     failure.request.url, failure.getErrorMessage())

    def retry_or_give_up(self, response, reason, what="article"):
        """Retry a page whose body is broken (cut off, not JSON); after the
        retries, log and count it (``newscrawler/<what>/failed``)."""
        retry = get_retry_request(response.request, spider=self, reason=f"bad_{what}_answer")
        if retry is not None:
            yield retry
            return
        self.stats.inc_value(f"newscrawler/{what}/failed")
        if entry := response.request.cb_kwargs.get("entry"):
            self.settle(entry.info_code, None)
        logger.error("Gave up on %s %s after retries: %s", what, response.url, reason)
