"""`scrapy crawl` that exits non-zero when the run did not finish well.

Scrapy's own command exits 0 whatever happened inside the crawl. Cron,
Scrapyd users and CI need to notice a failed run, so this one exits 1 when
the spider closed for any reason but ``finished`` (or a ``closespider_*``
limit the user set), or when a component set
the stat ``newscrawler/run/failed`` (the monitors' verdict). Its runs are
monitored and recorded in the runs' history (``SPIDERMON_ENABLED``).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.spiders.base import parse_shard
from newscrawler.store import StoreError, open_store


# What a run writes in OUTPUT_DIR (besides the store): each must be
# writable before the crawl starts, or the run would fetch for nothing.
WRITTEN_IN_OUTPUT_DIR = ("_posts", "category", "old_post", "items.jsonl", "runs", "status.html")


def usage_problem(spargs: dict, settings) -> str | None:
    """What is wrong with the run's arguments and output folder, in one line
    (None when nothing is): caught before the crawl starts, instead of a
    traceback from inside it."""
    try:
        parse_shard(spargs.get("shard"))
    except ValueError as exc:
        return str(exc)
    base = spargs.get("base_url") or settings.get("BASE_URL")
    parts = urlsplit(str(base))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"base_url must be an http(s) URL such as http://127.0.0.1:8000, not {base!r}"
    output = Path(settings.get("OUTPUT_DIR"))
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"OUTPUT_DIR {output} cannot be created: {exc.strerror}"
    if not os.access(output, os.W_OK | os.X_OK):
        return f"OUTPUT_DIR {output} is not writable"
    for name in WRITTEN_IN_OUTPUT_DIR:
        path = output / name
        if path.exists() and not os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0)):
            return f"{path} is not writable"
    try:
        open_store(settings).close()
    except (StoreError, ValueError) as exc:
        return str(exc)
    return None


class Command(ScrapyCrawlCommand):
    # A run to judge and record (a command's default: the project's
    # settings or `-s SPIDERMON_ENABLED=False` still win).
    default_settings = {**ScrapyCrawlCommand.default_settings, "SPIDERMON_ENABLED": True}

    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        if problem := usage_problem(opts.spargs, self.settings):
            raise UsageError(problem, print_help=False)
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
