"""`scrapy crawl` that checks its arguments at start, says what it takes
(`--help`) and exits non-zero when the run did not finish well.

Scrapy's own command exits 0 whatever happened inside the crawl. Cron,
Scrapyd users and CI need to notice a failed run, so this one exits 1 when
the spider closed for any reason but ``finished`` (or a ``closespider_*``
limit the user set), or when a component set the stat
``newscrawler/run/failed`` (the monitors' verdict, the publisher); and 2, in
one line, for a wrong spider name or argument or an output that cannot be
written, before anything is fetched. Its runs are monitored and recorded in
the runs' history (``SPIDERMON_ENABLED``).
"""

import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from newscrawler.commands.help import describe_crawl
from newscrawler.commands.startup import fail, spider_class, usage_problem
from newscrawler.extensions.health import FAILED_STAT

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    # A run to judge and record (a command's default: the project's
    # settings or `-s SPIDERMON_ENABLED=False` still win).
    default_settings = {**ScrapyCrawlCommand.default_settings, "SPIDERMON_ENABLED": True}

    def add_options(self, parser):
        super().add_options(parser)
        describe_crawl(parser, self.settings)

    def process_options(self, args, opts):
        super().process_options(args, opts)
        if len(args) != 1:
            fail("give exactly one spider name: scrapy crawl SPIDER (scrapy crawl --help lists them)")
        if problem := usage_problem(spider_class(self.settings, args[0]), opts.spargs, self.settings):
            fail(problem)

    def run(self, args, opts):
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
        say_when_nothing_exported(self.settings, stats)
        reason = stats.get_value("finish_reason")
        # closespider_*: a limit the user set (CLOSESPIDER_ITEMCOUNT, ...) was reached.
        if not (reason == "finished" or str(reason).startswith("closespider_")) or stats.get_value(FAILED_STAT):
            self.exitcode = 1


def say_when_nothing_exported(settings, stats) -> None:
    """A feed of this run (-o/-O, FEEDS) that got no item: one line why."""
    feeds = list(settings.getdict("FEEDS"))
    if feeds and not stats.get_value("item_scraped_count"):
        logger.warning("No article exported to %s: this run wrote no new article, and feeds get only the "
                       "articles a run writes. To export every article written so far: "
                       "scrapy export -O FILE (README, \"Feeds and exporting\")", ", ".join(map(str, feeds)))
