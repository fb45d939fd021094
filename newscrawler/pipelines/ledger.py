"""Mark the infoCode done once every file of the article is written."""

from newscrawler.store import open_store


class LedgerPipeline:
    """Last in ``ITEM_PIPELINES``: after it, no run writes the code again."""

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
        self.store.close()

    def process_item(self, item, spider):
        self.store.complete(item.info_code)
        self.stats.inc_value("newscrawler/ledger/done")
        return item
