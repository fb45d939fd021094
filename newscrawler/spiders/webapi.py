"""The JSON list feeds of media news and market news, then each article."""

import scrapy

from newscrawler.extensions.health import SOURCE_PAGES_STAT
from newscrawler.pages.article import BadArticleAnswer
from newscrawler.pages.feeds import parse_market_feed, parse_media_feed
from newscrawler.spiders.base import ArticleSpider, count_problem
from newscrawler.spiders.routes import MARKET_FEED, MEDIA_FEED, page_kind

FEED_PARSERS = {"media": parse_media_feed, "market": parse_market_feed}
FEED_KINDS = {MEDIA_FEED: "media", MARKET_FEED: "market"}


class WebapiSpider(ArticleSpider):
    """``-a count=N`` entries per feed (default 50), ``-a markets=37,38,39``
    (the market feeds; empty for none), ``-a media=0`` to skip the media feed."""

    name = "webapi"
    ARGUMENTS = {
        **ArticleSpider.ARGUMENTS,
        "count": ("N", "entries read from each feed (default 50)"),
        "markets": ("37,38,39", "the market news feeds to read; empty for none (default 37,38,39)"),
        "media": ("0", "skip the media news feed (default 1: read it)"),
    }
    CALLBACKS = {**ArticleSpider.CALLBACKS, MEDIA_FEED: "parse_feed", MARKET_FEED: "parse_feed"}

    @classmethod
    def argument_problem(cls, spargs: dict) -> str | None:
        markets = [m.strip() for m in str(spargs.get("markets", "")).split(",") if m.strip()]
        if bad := [m for m in markets if not m.isdigit()]:
            return f"markets must be market types such as 37,38,39, not {bad[0]!r}"
        return count_problem(spargs.get("count")) or super().argument_problem(spargs)

    def __init__(self, base_url=None, count="50", markets="37,38,39", media="1", **kwargs):
        super().__init__(base_url, **kwargs)
        self.count = int(count)
        self.markets = [m.strip() for m in str(markets).split(",") if m.strip()]
        self.media_feed = str(media) not in ("0", "false", "no", "")

    def site_requests(self):
        if self.media_feed:
            yield self.feed_request(f"/web/webapi?type=45&count={self.count}", "media")
        for market in self.markets:
            yield self.feed_request(f"/information/newmarket/web/webapi?marketType={market}&count={self.count}",
                                    "market")

    def feed_request(self, path, kind):
        return scrapy.Request(self.base_url + path, self.parse_feed, cb_kwargs={"kind": kind},
                              errback=self.listing_failed)

    def parse_feed(self, response, kind=None):
        """A media or market news feed: its articles that no run wrote.
        Without `kind`, the URL's.

        @site /web/webapi?type=45&count=5
        @returns requests 5 5
        @returns items 0 0
        """
        kind = kind or FEED_KINDS.get(page_kind(response.url, self.base_url), "media")
        self.stats.inc_value(SOURCE_PAGES_STAT)
        try:
            entries = FEED_PARSERS[kind](response)
        except BadArticleAnswer as exc:
            yield from self.retry_or_give_up(response, str(exc), what="feed")
            return
        self.stats.inc_value(f"newscrawler/feed/{kind}/entries", len(entries))
        yield from self.follow_entries(entries, None)
