"""Walk the category index, every listing page, every article."""

import logging
from urllib.parse import quote

import scrapy

from newscrawler.extensions.health import CATEGORY_STAT
from newscrawler.pages.listing import category_id, parse_category_index, parse_listing
from newscrawler.spiders.base import ArticleSpider

logger = logging.getLogger(__name__)


class CategorySpider(ArticleSpider):
    """``-a categories=cid,cid`` (default: every category of the index).

    With ``INCREMENTAL_STOP`` (default on), a run stops walking a category
    at the first listing page whose articles are all known, once an earlier
    run walked that category to its end and finished: listings are newest
    first, so everything further down is known too."""

    name = "category"

    def __init__(self, base_url=None, categories=None, **kwargs):
        super().__init__(base_url, **kwargs)
        self.categories = [c.strip() for c in categories.split(",") if c.strip()] if categories else None
        self.walked_to_end: set[str] = set()

    def walk_key(self, cid: str) -> str:
        return f"category:{cid}" + (f"#{self.shard[0]}/{self.shard[1]}" if self.shard else "")

    def closed(self, reason):
        failed = sum(self.stats.get_value(f"newscrawler/{what}/failed", 0) for what in ("listing", "article"))
        if reason == "finished" and not failed:
            for cid in self.walked_to_end:
                self.seen.complete_walk(self.walk_key(cid))

    @property
    def incremental(self) -> bool:
        return self.crawler.settings.getbool("INCREMENTAL_STOP")

    def site_requests(self):
        if self.categories:
            for cid in self.categories:
                yield scrapy.Request(f"{self.base_url}/category/{quote(cid)}.html", self.parse_listing,
                                     errback=self.listing_failed)
        else:
            yield scrapy.Request(f"{self.base_url}/category/", self.parse_index, errback=self.listing_failed)

    def parse_index(self, response):
        links = parse_category_index(response)
        if not links:
            logger.error("No category in the index at %s: has the source changed?", response.url)
            self.stats.inc_value("newscrawler/index/empty")
        for link in links:
            yield response.follow(link.url, self.parse_listing, errback=self.listing_failed)

    def parse_listing(self, response):
        page = parse_listing(response)
        cid = category_id(response.url)
        self.stats.inc_value("newscrawler/listing/pages")
        self.stats.inc_value(CATEGORY_STAT.format(cid=cid), len(page.entries))
        requests = self.follow_entries(page.entries, page.name)
        yield from requests
        if not page.next_url:
            self.walked_to_end.add(cid)
        elif requests or not self.incremental or not self.seen.walk_completed(self.walk_key(cid)):
            yield response.follow(page.next_url, self.parse_listing, errback=self.listing_failed)
        else:
            self.stats.inc_value("newscrawler/listing/stopped_early")
            self.walked_to_end.add(cid)
