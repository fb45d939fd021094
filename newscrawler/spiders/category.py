"""Walk the category index, every listing page, every article."""

import logging
import time
from urllib.parse import quote

import scrapy

from newscrawler.extensions.health import CATEGORY_STAT, INDEX_STAT, SOURCE_PAGES_STAT
from newscrawler.pages.listing import category_id, parse_category_index, parse_listing
from newscrawler.spiders.base import ArticleSpider, in_shard
from newscrawler.spiders.routes import INDEX, LISTING, listing_page_number
from newscrawler.store import StoreError
from newscrawler.walks import PAGE_LIMIT, PRUNE_AT, REPEAT, SETTLED, WATERMARK, Walk

logger = logging.getLogger(__name__)


class CategorySpider(ArticleSpider):
    """``-a categories=cid,cid`` (default: every category of the index).

    Each category is walked from its first listing page down to its
    watermark (``INCREMENTAL_STOP``), its last page, a page it has seen
    already, or ``CATEGORY_MAX_PAGES``; see `newscrawler.walks` for when a
    walk counts as complete and moves the watermark."""

    name = "category"
    ARGUMENTS = {
        **ArticleSpider.ARGUMENTS,
        "categories": ("CID,CID", "walk only these categories (default: every category of the index)"),
    }
    CALLBACKS = {**ArticleSpider.CALLBACKS, INDEX: "parse_index", LISTING: "parse_listing"}

    def __init__(self, base_url=None, categories=None, **kwargs):
        super().__init__(base_url, **kwargs)
        self.categories = [c.strip() for c in categories.split(",") if c.strip()] if categories else None
        self.walks: dict[str, Walk] = {}

    def walk_key(self, cid: str) -> str:
        return f"category:{cid}" + (f"#{self.shard[0]}/{self.shard[1]}" if self.shard else "")

    def site_requests(self):
        if self.categories:
            for cid in dict.fromkeys(self.categories):
                yield self.listing_request(f"{self.base_url}/category/{quote(cid)}.html", cid, 1)
        else:
            yield scrapy.Request(f"{self.base_url}/category/", self.parse_index, errback=self.listing_failed)

    def listing_request(self, url: str, cid: str, page: int, walk: Walk | None = None) -> scrapy.Request:
        # Not filtered as a duplicate: a next link that leads back to a page
        # already read must reach the walk, which counts repeats and ends.
        # The walk goes with the request: with many workers, the next page
        # may be read by another one.
        cb_kwargs = {"cid": cid, "page": page} | ({"walk": walk} if walk is not None else {})
        return scrapy.Request(url, self.parse_listing, cb_kwargs=cb_kwargs,
                              errback=self.listing_failed, dont_filter=True)

    def parse_index(self, response):
        """The category index: the first listing page of each category.

        @site /category/
        @returns requests 6 6
        @returns items 0 0
        @follows /category/dzrb.html
        """
        links = parse_category_index(response)
        self.stats.inc_value(SOURCE_PAGES_STAT)
        self.stats.set_value(INDEX_STAT, len(links))
        if not links:
            logger.error("No category in the index at %s: has the source changed?", response.url)
            self.stats.inc_value("newscrawler/index/empty")
        walked = set()
        for link in links:
            if link.cid not in walked and self.on_site(link.url, "category link"):
                walked.add(link.cid)  # one walk per category, however often it is listed
                yield self.listing_request(link.url, link.cid, 1)

    def parse_listing(self, response, cid=None, page=None, walk=None):
        """A listing page: its articles that no run wrote, then its next page.
        Without `cid` and `page` (`scrapy parse`, contracts), those of the URL.

        @site /category/dzrb.html
        @returns requests 2 21
        @returns items 0 0
        @follows /category/dzrb.html?page=2
        """
        cid = cid or category_id(response.url)
        number = page or listing_page_number(response.url)
        page = parse_listing(response)
        self.stats.inc_value(SOURCE_PAGES_STAT)
        self.stats.inc_value("newscrawler/listing/pages")
        self.stats.inc_value(CATEGORY_STAT.format(cid=cid), len(page.entries))
        if walk is None:
            walk = self.walks.get(cid) or self.start_walk(cid)
        self.walks[cid] = walk
        if number != 1 and not walk.pages:
            walk.broken = True  # a walk that did not start at the first page records no watermark
        if walk.end or (number == 1 and walk.pages):  # a second walk of one category: not followed
            return
        requests = self.follow_entries(page.entries, page.name)
        yield from requests
        new = {request.cb_kwargs["entry"].info_code for request in requests}
        try:
            self.track_unsettled(walk, page.entries, new)
        except StoreError as exc:
            self.store_failed(exc)
            return
        next_url = page.next_url
        if next_url and not self.on_site(next_url, "next page"):
            next_url, walk.broken = None, True
        incremental = self.crawler.settings.getbool("INCREMENTAL_STOP")
        max_pages = self.crawler.settings.getint("CATEGORY_MAX_PAGES")
        end = walk.next_step(response.url, [e.info_code for e in page.entries], new, next_url,
                             max_pages=max_pages, incremental=incremental)
        if end is None:
            yield self.listing_request(next_url, cid, number + 1, walk)
        elif end == WATERMARK:
            self.stats.inc_value("newscrawler/listing/stopped_early")
        elif end == REPEAT:
            self.stats.inc_value("newscrawler/listing/repeated")
            logger.warning("Category %s: page %d repeats what the listing showed already (a loop, or its last page "
                           "again and again); the walk ends there", cid, walk.pages)
        elif end == PAGE_LIMIT:
            self.stats.inc_value("newscrawler/listing/page_limit")
            logger.warning("Category %s: stopped after CATEGORY_MAX_PAGES=%d pages; the listing goes on (%s)",
                           cid, max_pages, page.next_url)

    def start_walk(self, cid: str) -> Walk:
        key = self.walk_key(cid)
        try:
            self.complete_deferred_walk(key)
            watermark = self.seen.walk_markers(key) or []
            full_at = self.seen.last_full_walk(key)
        except StoreError as exc:
            self.store_failed(exc)
            watermark, full_at = [], None
        every = self.crawler.settings.getfloat("FULL_WALK_EVERY")
        full = not watermark or full_at is None or (every > 0 and time.time() - full_at > every)
        if full and watermark:
            logger.info("Category %s: a full walk (the last one is over FULL_WALK_EVERY old)", cid)
            self.stats.inc_value("newscrawler/walk/full")
        walk = self.walks[cid] = Walk(key, frozenset(watermark), full=full)
        return walk

    def track_unsettled(self, walk: Walk, entries, new: set[str]) -> None:
        """Remember the listed codes of this process's share that are not
        written or rejected yet: the walk is complete once they all are."""
        mine = [e.info_code for e in entries if not self.shard or in_shard(e.info_code, self.shard)]
        known = [code for code in mine if code not in new]
        states = self.seen.states(known) if known else {}
        walk.unsettled.update(new)
        walk.unsettled.update(code for code in known if states.get(code) not in SETTLED)
        if len(walk.unsettled) > PRUNE_AT:
            walk.prune(self.seen.states(walk.unsettled))

    def complete_deferred_walk(self, key: str) -> None:
        """A walk that ended with articles still being written (by the
        writer, with many workers) is complete once they all are."""
        if (deferred := self.seen.deferred_walk(key)) is None:
            return
        markers, full, codes = deferred
        states = self.seen.states(codes) if codes else {}
        if all(states.get(code) in SETTLED for code in codes):
            self.seen.complete_walk(key, markers, full=full)
            self.stats.inc_value("newscrawler/walk/complete")
            logger.info("The last walk of %s is complete now that its articles are written", key)

    def record_walks(self) -> None:
        """At the end of the run: record each walk that ended here and is
        complete; one that ended with articles not settled yet is deferred
        (`complete_deferred_walk`)."""
        cluster = bool(self.crawler.settings.get("REDIS_URL"))
        unsettled = set().union(*(walk.unsettled for walk in self.walks.values()))
        states = self.seen.states(unsettled) if unsettled else {}
        for cid, walk in sorted(self.walks.items()):
            if walk.complete(states) and walk.first_page:
                self.seen.complete_walk(walk.key, walk.first_page, full=walk.full)
                self.stats.inc_value("newscrawler/walk/complete")
                continue
            if walk.end is None and cluster:
                continue  # its next page went to the shared queue: another worker's now
            self.stats.inc_value("newscrawler/walk/incomplete")
            left = [code for code in walk.unsettled if states.get(code) not in SETTLED]
            ended = walk.end and not walk.broken
            if ended and walk.first_page:
                self.seen.defer_walk(walk.key, walk.first_page, walk.full, left)
            why = f"{len(left)} listed article(s) not written" if ended else "it did not reach its end"
            logger.info("The walk of category %s is not complete (%s): the next run walks down to its "
                        "last complete walk again, unless they are written by then", cid, why)
