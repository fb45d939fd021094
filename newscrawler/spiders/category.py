"""Walk the category index, every listing page, every article."""

import logging
from urllib.parse import quote

import scrapy

from newscrawler.extensions.health import CATEGORY_STAT
from newscrawler.pages.listing import category_id, parse_category_index, parse_listing
from newscrawler.spiders.base import ArticleSpider

logger = logging.getLogger(__name__)


class CategorySpider(ArticleSpider):
    """``-a categories=cid,cid`` (default: every category of the index)."""

    name = "category"

    def __init__(self, base_url=None, categories=None, **kwargs):
        super().__init__(base_url, **kwargs)
        self.categories = [c.strip() for c in categories.split(",") if c.strip()] if categories else None

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
        self.stats.inc_value("newscrawler/listing/pages")
        self.stats.inc_value(CATEGORY_STAT.format(cid=category_id(response.url)), len(page.entries))
        yield from self.follow_entries(page.entries, page.name)
        if page.next_url:
            yield response.follow(page.next_url, self.parse_listing, errback=self.listing_failed)
