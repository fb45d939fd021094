"""Claim each infoCode in the shared store; drop the ones already claimed;
settle the claims of articles that end without being written."""

import logging
from pathlib import Path

from scrapy import signals
from twisted.internet import reactor
from scrapy.exceptions import DropItem

from newscrawler.outcomes import (REDIS_FAILED_STAT, STORE_FAILED_STAT, ArticleNotWritten, RejectedArticle,
                                  store_down)
from newscrawler.recovery import settle_stale_claims, undo
from newscrawler.store import HANDED_OFF, StoreError, open_store

logger = logging.getLogger(__name__)

OUTPUT_UNWRITABLE = "output_unwritable"


class DuplicateArticle(DropItem):
    def __init__(self, info_code: str):
        super().__init__(f"duplicate: {info_code} is written or being written already", log_level="DEBUG")


class DedupePipeline:
    """Claims the code before any file is written. An article that is
    rejected (`RejectedArticle`) is remembered as such, so runs skip it
    until ``RECHECK_REJECTED_AFTER`` seconds have passed. An article whose
    writing fails (`ArticleNotWritten`, or any error in a pipeline) has
    its post removed and its claim released, so a later run writes it; a
    failure of the machine (full or read-only disk, store gone) stops the
    run, which then exits 1."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.output_dir = Path(self.settings["OUTPUT_DIR"])
        self.store = None
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def open_spider(self, spider):
        self.store = open_store(self.settings)
        try:
            completed, released = settle_stale_claims(self.store, self.output_dir)
        except (StoreError, OSError) as exc:
            logger.error("Could not settle the claims a killed run left (%s): a later run does", exc)
            return
        if completed or released:
            self.stats.set_value("newscrawler/dedupe/stale_completed", completed)
            self.stats.set_value("newscrawler/dedupe/stale_released", released)

    def close_spider(self, spider):
        if self.store is not None:  # None: it failed to open, and said so
            self.store.close()

    def process_item(self, item, spider):
        # The spider usually claimed the code before fetching it.
        if store_down(self.stats):
            # Every article would fail alike: the first failure said why, the
            # rest are counted (each article of a full disk still is named).
            raise ArticleNotWritten("the store is down", kind="store_down", quiet=True)
        try:
            # The writer of many workers takes it over from the stream.
            claimed = (self.store.holds(item.info_code) or self.store.adopt(item.info_code, HANDED_OFF)
                       or self.store.claim(item.info_code))
        except StoreError as exc:
            raise ArticleNotWritten(str(exc), kind="store", environment=True) from None
        if claimed:
            self.stats.inc_value("newscrawler/dedupe/claimed")
            return item
        self.stats.inc_value("newscrawler/dedupe/duplicate")
        raise DuplicateArticle(item.info_code)

    def item_dropped(self, item, response, exception, spider):
        code = getattr(item, "info_code", None)
        if isinstance(exception, RejectedArticle):
            self._settle(code, lambda: self.store.reject(str(code), exception.reason))
        elif isinstance(exception, ArticleNotWritten):
            self.stats.inc_value("newscrawler/write/failed")
            self.stats.inc_value(f"newscrawler/write/failed/{exception.kind}")
            said = exception.kind == "store" and store_down(self.stats)
            if exception.kind == "store":
                self.stats.inc_value(STORE_FAILED_STAT)
            if exception.environment:
                self.stop_run(spider, exception.cause, store=exception.kind == "store", said=said)
            self._settle(code, lambda: undo(self.store, code, self.output_dir))

    def item_error(self, item, response, spider, failure):
        # A bug, not a fault of the source or the machine: Scrapy logged
        # the traceback; the article is given back and the run fails.
        self.stats.inc_value("newscrawler/item/errors")
        code = getattr(item, "info_code", None)
        self._settle(code, lambda: undo(self.store, code, self.output_dir))

    def _settle(self, code, action) -> None:
        if not code or self.store is None:
            return
        try:
            action()
        except (StoreError, OSError) as exc:
            # Left pending: the next run settles it from the files.
            self.stats.inc_value("newscrawler/dedupe/not_given_back")
            level = logging.DEBUG if store_down(self.stats) else logging.ERROR
            logger.log(level, "Could not give back the claim of %s: %s", code, exc)

    def stop_run(self, spider, cause: str, store: bool = False, said: bool = False) -> None:
        if self.stopping:
            return
        self.stopping = True
        if said or self.stats.get_value(REDIS_FAILED_STAT):
            return  # the spider or the scheduler said it, and stops the run
        if store:
            logger.error("Stopping the run: %s. Articles not written are fetched by a later run.", cause)
        else:
            logger.error("Stopping the run: the output cannot be written (%s). Articles not written are "
                         "given back and fetched by the next run.", cause)
        # Not from inside the item's processing: an item of the writer's
        # start() closing the engine under it makes Scrapy 2.13 fail.
        reactor.callLater(0, self.crawler.engine.close_spider, spider, OUTPUT_UNWRITABLE)
