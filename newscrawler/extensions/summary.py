"""At the end of a run, log one summary line and optionally save it as JSON."""

import json
import logging
from pathlib import Path

from scrapy import signals

from newscrawler.extensions.health import FAILED_STAT, SOURCE_PAGES_STAT
from newscrawler.files import atomic_write
from newscrawler.outcomes import drops_by_reason

logger = logging.getLogger(__name__)


def summarize(stats: dict, output_dir: str) -> dict:
    dropped = drops_by_reason(stats)
    return {
        # Written whole and marked done: a post without its JSON line is
        # removed again, and does not count.
        "written": stats.get("newscrawler/ledger/done", 0),
        "not_written": stats.get("newscrawler/write/failed", 0),
        # A worker of many (REDIS_URL) hands its articles to the writer.
        "handed_off": stats.get("newscrawler/handoff/sent", 0),
        "source_pages": stats.get(SOURCE_PAGES_STAT, 0),
        "skipped_known": stats.get("newscrawler/listing/known_skipped", 0),
        "skipped_duplicate": stats.get("newscrawler/dedupe/duplicate", 0),
        "dropped": sum(dropped.values()),
        "dropped_by_reason": dropped,
        "not_found": stats.get("newscrawler/article/not_found", 0),
        "failed": stats.get("newscrawler/article/failed", 0),
        "article_requests": stats.get("newscrawler/article/requested", 0),
        "requests": stats.get("downloader/request_count", 0),
        "retries": stats.get("retry/count", 0),
        "retries_by_reason": {
            key.removeprefix("retry/reason_count/"): value
            for key, value in stats.items()
            if key.startswith("retry/reason_count/")
        },
        "splash_rendered": stats.get("newscrawler/splash/rendered", 0),
        "splash_fallback": stats.get("newscrawler/splash/fallback", 0),
        "finish_reason": stats.get("finish_reason"),
        "run_failed": stats.get(FAILED_STAT),
        "output_dir": str(Path(output_dir).resolve()),
    }


class RunSummary:
    """``RUN_SUMMARY_FILE`` (default: none) receives the summary as JSON."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("RUN_SUMMARY_FILE")

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        stats.setdefault("finish_reason", reason)
        summary = summarize(stats, self.crawler.settings["OUTPUT_DIR"])
        handed = " (%(handed_off)d articles handed to the writer)" if summary["handed_off"] else ""
        logger.info(
            "Summary: %(written)d posts written" + handed + ", %(skipped_known)d known and "
            "%(skipped_duplicate)d duplicate articles skipped, %(dropped)d dropped, "
            "%(not_found)d not found, %(failed)d failed, %(not_written)d not written; output in %(output_dir)s",
            summary,
        )
        if self.path:
            try:
                atomic_write(Path(self.path), json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8"))
            except OSError as exc:
                logger.error("Could not write the run summary to %s: %s", self.path, exc.strerror or exc)
