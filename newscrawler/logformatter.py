"""Log a dropped article in one line, without dumping the whole item."""

from scrapy.logformatter import LogFormatter


def short_repr(value: object, limit: int = 80) -> str:
    """`value` as one bounded line: hostile codes can be long or multi-line."""
    text = value if isinstance(value, str) and value.isprintable() else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OneLineDropFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped article %(code)s: %(exception)s"
        result["args"] = {"code": short_repr(getattr(item, "info_code", None)), "exception": exception}
        return result
