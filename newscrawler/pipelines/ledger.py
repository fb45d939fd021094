"""Mark the infoCode done once every file of the article is written."""

import logging

from newscrawler.store import StoreError, open_store

logger = logging.getLogger(__name__)


class LedgerPipeline:
    """Last in ``ITEM_PIPELINES``: after it, no run writes the code again.
    If the store cannot be written, the article's files are complete and
    its claim stays pending: the next run finds its JSON line and marks it
    done (see `newscrawler.recovery`)."""

    def __init__(self, settings, stats):
        self.settings = settings
        self.stats = stats
        self.store = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings, crawler.stats)

    def open_spider(self, spider):
        self.store = open_store(self.settings)

    def close_spider(self, spider):
        if self.store is not None:  # None: it failed to open, and said so
            self.store.close()

    def process_item(self, item, spider):
        try:
            self.store.complete(item.info_code)
        except StoreError as exc:
            self.stats.inc_value("newscrawler/ledger/failed")
            logger.error("Article %s is written but not marked done (%s): the next run marks it", item.info_code, exc)
            return item
        self.stats.inc_value("newscrawler/ledger/done")
        return item
