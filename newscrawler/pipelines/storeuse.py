"""What a pipeline that reads or writes the store shares."""

from newscrawler.store import open_store


class StorePipeline:
    """Opens its own connection to the store with the spider, closes it
    with the spider."""

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
