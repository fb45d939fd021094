"""Walk the category index, every listing page, every article."""

import logging
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request

from newscrawler.pages.article import (
    ArticleNotFound,
    BadArticleAnswer,
    article_from_text_endpoint,
    decode_text_endpoint,
)
from newscrawler.pages.listing import parse_category_index, parse_listing
from newscrawler.store import open_store

logger = logging.getLogger(__name__)

TEXT_ENDPOINT = "/NewsData/GetNewsText.do?id={code}"
SHARE_PAGE = "/html_News/NewsShare.html?infoCode={code}"


class CategorySpider(scrapy.Spider):
    """``-a base_url=URL`` (default: setting ``BASE_URL``) and
    ``-a categories=cid,cid`` (default: every category of the index)."""

    name = "category"

    def __init__(self, base_url=None, categories=None, **kwargs):
        super().__init__(**kwargs)
        self._base_url_arg = base_url
        self.categories = [c.strip() for c in categories.split(",") if c.strip()] if categories else None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.base_url = (spider._base_url_arg or settings["BASE_URL"]).rstrip("/")
        parts = urlsplit(spider.base_url)
        spider.source = f"{parts.scheme}://{parts.netloc}"
        spider.share_base_url = (settings.get("SHARE_BASE_URL") or spider.base_url).rstrip("/")
        spider.media_slugs = settings.getdict("MEDIA_SLUGS")
        spider.seen = open_store(settings)
        crawler.signals.connect(spider.close_store, signal=scrapy.signals.spider_closed)
        return spider

    def close_store(self, spider):
        self.seen.close()

    def start_requests(self):
        if self.categories:
            for cid in self.categories:
                yield scrapy.Request(f"{self.base_url}/category/{quote(cid)}.html", self.parse_listing)
        else:
            yield scrapy.Request(f"{self.base_url}/category/", self.parse_index)

    def parse_index(self, response):
        links = parse_category_index(response)
        if not links:
            logger.error("No category in the index at %s: has the source changed?", response.url)
            self.crawler.stats.inc_value("newscrawler/index/empty")
        for link in links:
            yield response.follow(link.url, self.parse_listing)

    def parse_listing(self, response):
        page = parse_listing(response)
        self.crawler.stats.inc_value("newscrawler/listing/pages")
        for entry in page.entries:
            if self.seen.known(entry.info_code):
                self.crawler.stats.inc_value("newscrawler/listing/known_skipped")
                continue
            self.crawler.stats.inc_value("newscrawler/article/requested")
            yield scrapy.Request(
                self.base_url + TEXT_ENDPOINT.format(code=quote(entry.info_code, safe="")),
                self.parse_article,
                cb_kwargs={"entry": entry, "listing_media": page.name},
                meta={"handle_httpstatus_list": [404]},
            )
        if page.next_url:
            yield response.follow(page.next_url, self.parse_listing)

    def share_url(self, info_code: str) -> str:
        return self.share_base_url + SHARE_PAGE.format(code=quote(info_code, safe=""))

    def parse_article(self, response, entry, listing_media):
        try:
            if response.status == 404:
                raise ArticleNotFound("HTTP 404")
            data = decode_text_endpoint(response.body)
        except ArticleNotFound as exc:
            self.crawler.stats.inc_value("newscrawler/article/not_found")
            self.seen.reject(entry.info_code, "not_found")
            logger.info("Article %s is gone (%s): %s", entry.info_code, exc, response.url)
            return
        except BadArticleAnswer as exc:
            yield from self.retry_or_give_up(response, str(exc))
            return
        code = data.get("infoCode") or entry.info_code
        yield article_from_text_endpoint(
            data,
            entry,
            listing_media=listing_media,
            share_url=self.share_url(str(code)),
            source=self.source,
            now=datetime.now(timezone.utc),
            media_slugs=self.media_slugs,
        )

    def retry_or_give_up(self, response, reason):
        retry = get_retry_request(response.request, spider=self, reason="bad_article_answer")
        if retry is not None:
            yield retry
            return
        self.crawler.stats.inc_value("newscrawler/article/failed")
        logger.error("Gave up on %s after retries: %s", response.url, reason)
