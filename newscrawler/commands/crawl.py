"""`scrapy crawl` that exits non-zero when the run did not finish well.

Scrapy's own command exits 0 whatever happened inside the crawl. Cron,
Scrapyd users and CI need to notice a failed run, so this one exits 1 when
the spider closed for any reason but ``finished`` (or a ``closespider_*``
limit the user set), or when a component set
the stat ``newscrawler/run/failed`` (the health check, the publisher).
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.spiders.base import parse_shard


class Command(ScrapyCrawlCommand):
    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        try:
            parse_shard(opts.spargs.get("shard"))
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from None
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed or getattr(self.crawler_process, "has_exception", False):
            self.exitcode = 1
            return
        stats = crawler.stats
        if stats is None:
            self.exitcode = 1
            return
        reason = stats.get_value("finish_reason")
        # closespider_*: a limit the user set (CLOSESPIDER_ITEMCOUNT, ...) was reached.
        if not (reason == "finished" or str(reason).startswith("closespider_")) or stats.get_value(FAILED_STAT):
            self.exitcode = 1
