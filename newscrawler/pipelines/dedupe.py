"""Claim each infoCode in the shared store; drop the ones already claimed."""

from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DropItem

from newscrawler.pipelines.validate import InvalidArticle
from newscrawler.recovery import settle_stale_claims
from newscrawler.store import open_store


class DuplicateArticle(DropItem):
    def __init__(self, info_code: str):
        super().__init__(f"duplicate: {info_code} is written or being written already", log_level="DEBUG")


class DedupePipeline:
    """Claims the code before any file is written. A claim whose writing
    fails is given back, so a later run writes the article. An article the
    validator dropped is remembered as rejected, so runs skip it until
    ``RECHECK_REJECTED_AFTER`` seconds have passed."""

    def __init__(self, settings, stats):
        self.settings = settings
        self.stats = stats
        self.jsonl_path = Path(settings["OUTPUT_DIR"]) / "items.jsonl"
        self.store = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings, crawler.stats)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def open_spider(self, spider):
        self.store = open_store(self.settings)
        completed, released = settle_stale_claims(self.store, self.jsonl_path)
        if completed or released:
            self.stats.set_value("newscrawler/dedupe/stale_completed", completed)
            self.stats.set_value("newscrawler/dedupe/stale_released", released)

    def close_spider(self, spider):
        self.store.close()

    def process_item(self, item, spider):
        # The spider usually claimed the code before fetching it.
        if self.store.holds(item.info_code) or self.store.claim(item.info_code):
            self.stats.inc_value("newscrawler/dedupe/claimed")
            return item
        self.stats.inc_value("newscrawler/dedupe/duplicate")
        raise DuplicateArticle(item.info_code)

    def item_dropped(self, item, response, exception, spider):
        if isinstance(exception, InvalidArticle) and self.store is not None:
            self.store.reject(str(item.info_code), exception.reason)

    def item_error(self, item, response, spider, failure):
        code = getattr(item, "info_code", None)
        if code and self.store is not None:
            self.store.release(code)
            self.stats.inc_value("newscrawler/dedupe/released_on_error")
