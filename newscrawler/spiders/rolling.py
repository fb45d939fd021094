"""东财滚动新闻, the rolling news feed: posts in the old system's second layout."""

import scrapy

from newscrawler.cleaning.text import clean_text, without_bracketed_lead
from newscrawler.extensions.health import SOURCE_PAGES_STAT
from newscrawler.pages.article import BadArticleAnswer
from newscrawler.pages.feeds import RollingEntry, parse_rolling_feed
from newscrawler.postformat import safe_http_url
from newscrawler.spiders.base import ArticleSpider, count_problem
from newscrawler.spiders.routes import ROLLING_FEED


class RollingSpider(ArticleSpider):
    """``-a count=N`` entries of the feed (default 50). Settings
    ``ROLLING_MEDIA`` and ``ROLLING_CATEGORY`` name the posts' tag and category."""

    name = "rolling"
    ARGUMENTS = {**ArticleSpider.ARGUMENTS, "count": ("N", "entries read from the feed (default 50)")}
    CALLBACKS = {**ArticleSpider.CALLBACKS, ROLLING_FEED: "parse_feed"}

    @classmethod
    def argument_problem(cls, spargs: dict) -> str | None:
        return count_problem(spargs.get("count")) or super().argument_problem(spargs)

    def __init__(self, base_url=None, count="50", **kwargs):
        super().__init__(base_url, **kwargs)
        self.count = int(count)

    def site_requests(self):
        yield scrapy.Request(f"{self.base_url}/web/webapi?type=102&count={self.count}", self.parse_feed,
                             errback=self.listing_failed)

    def parse_feed(self, response):
        """The rolling news feed: its articles that no run wrote.

        @site /web/webapi?type=102&count=5
        @returns requests 5 5
        @returns items 0 0
        """
        self.stats.inc_value(SOURCE_PAGES_STAT)
        try:
            entries = parse_rolling_feed(response)
        except BadArticleAnswer as exc:
            yield from self.retry_or_give_up(response, str(exc), what="feed")
            return
        self.stats.inc_value("newscrawler/feed/rolling/entries", len(entries))
        yield from self.follow_entries(entries, None)

    def article(self, data, entry, listing_media):
        item = super().article(data, entry, listing_media)
        if item is not None and isinstance(entry, RollingEntry):
            settings = self.crawler.settings
            item.rolling_id = entry.rolling_id
            item.digest = without_bracketed_lead(clean_text(entry.digest))
            item.share_url = safe_http_url(entry.url_w) or item.share_url
            item.media = settings["ROLLING_MEDIA"]
            item.category = settings["ROLLING_CATEGORY"]
        return item
