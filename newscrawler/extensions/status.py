"""Write the status page (newscrawler.status) at the end of each run, this
run included: ``STATUS_DAYS`` (3) days of every source's runs."""

import logging
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.monitors.history import source_key
from newscrawler.status import Run, history_runs, write_status

logger = logging.getLogger(__name__)


class StatusPage:
    def __init__(self, crawler):
        self.crawler = crawler
        self.output_dir = Path(crawler.settings["OUTPUT_DIR"])
        self.days = crawler.settings.getint("STATUS_DAYS")
        self.keep = crawler.settings.getint("SPIDERMON_MAX_STORED_STATS")

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SPIDERMON_ENABLED") or crawler.settings.getint("STATUS_DAYS") <= 0:
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider):
        key = source_key(spider)
        stats = self.crawler.stats
        mine = [dict(stats.get_stats()), *getattr(spider, "stats_history", [])]
        runs = [run for s in mine if (run := Run.from_stats(key, s))] + history_runs(self.output_dir, self.keep, key)
        try:
            write_status(self.output_dir, runs, datetime.now(timezone.utc), self.days)
            stats.set_value("newscrawler/status/written", 1)
        except OSError as exc:
            stats.set_value("newscrawler/status/failed", 1)
            stats.set_value(FAILED_STAT, 1)
            logger.error("Could not write the status page %s: %s", self.output_dir / "status.html",
                         exc.strerror or exc)
