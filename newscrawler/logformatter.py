"""Log a dropped article in one line, without dumping the whole item."""

from scrapy.logformatter import LogFormatter


class OneLineDropFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped article %(code)s: %(exception)s"
        result["args"] = {"code": getattr(item, "info_code", None), "exception": exception}
        return result
