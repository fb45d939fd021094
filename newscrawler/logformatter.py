"""Log a dropped article in one line, without dumping the whole item; skip
building the per-page and per-item DEBUG lines a run does not show."""

import logging

from scrapy.logformatter import LogFormatter


def short_repr(value: object, limit: int = 80) -> str:
    """`value` as one bounded line: hostile codes can be long or multi-line."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OneLineDropFormatter(LogFormatter):
    def __init__(self, debug: bool = True):
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler):
        level = crawler.settings.get("LOG_LEVEL", "DEBUG")
        numeric = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(debug=not isinstance(numeric, int) or numeric <= logging.DEBUG)

    # Scrapy builds a log record for every "Crawled" and "Scraped from" line
    # even when LOG_LEVEL hides it: a few % of a crawl's CPU for nothing.
    def crawled(self, request, response, spider):
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item, response, spider):
        return super().scraped(item, response, spider) if self.debug else None

    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped article %(code)s: %(exception)s"
        result["args"] = {"code": short_repr(getattr(item, "info_code", None)), "exception": exception}
        return result
