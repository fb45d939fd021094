"""Count the articles whose title, time or body is empty, for the field
coverage check: every article that reached the pipelines, written or
dropped (the validator drops an article without a body, so counting only
written ones would always find them full)."""

from itemadapter import ItemAdapter
from scrapy import signals

ITEMS_STAT = "newscrawler/coverage/items"
EMPTY_STAT = "newscrawler/coverage/empty/{field}"
# Field -> its name in the check's words.
COVERED = {"title": "title", "published_at": "time", "body_html": "body"}


class FieldCoverage:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.count, signal=signals.item_scraped)
        crawler.signals.connect(ext.count, signal=signals.item_dropped)
        return ext

    def count(self, item):
        self.stats.inc_value(ITEMS_STAT)
        fields = ItemAdapter(item)
        for field in COVERED:
            if not fields.get(field):
                self.stats.inc_value(EMPTY_STAT.format(field=field))
