"""Say when the source broke: end a bad run with one ERROR line and a
failed status (``scrapy crawl`` then exits 1, see newscrawler.commands).

A run is bad when a spider callback raised, a page was given up after its
retries, the share of dropped articles is over ``HEALTH_MAX_DROP_RATE``,
the share of requested articles not found is over
``HEALTH_MAX_NOT_FOUND_RATE`` (the text endpoint has probably changed), or
a category that listed articles last run lists none now (its layout has
probably changed). Entry counts per category are kept in
``OUTPUT_DIR/health.json`` from run to run.
"""

import json
import logging
from pathlib import Path

from scrapy import signals

from newscrawler.files import atomic_write
from newscrawler.outcomes import drops_by_reason

logger = logging.getLogger(__name__)

FAILED_STAT = "newscrawler/run/failed"
CATEGORY_STAT = "newscrawler/category/{cid}/entries"


def run_counts(stats: dict) -> dict[str, int]:
    """The article counts of a run that the rates are made of."""
    not_found = stats.get("newscrawler/article/not_found", 0)
    return {
        "requested": max(stats.get("newscrawler/article/requested", 0), not_found),
        "not_found": not_found,
        "dropped": sum(drops_by_reason(stats).values()),
        "written": stats.get("newscrawler/ledger/done", 0),
    }


def _over(counts: list[dict]) -> str:
    return f" over the last {len(counts)} runs" if len(counts) > 1 else ""


def rate_problems(counts: list[dict], max_drop_rate: float, min_drops: int, max_not_found_rate: float) -> list[str]:
    """Drop and not-found rates of this run's `counts` (the last) and the
    runs before it: a run that sees a few every five minutes fails too,
    once they add up; a run that sees none does not."""
    this, total = counts[-1], {key: sum(c[key] for c in counts) for key in counts[-1]}
    found = []
    dropped, seen = total["dropped"], total["dropped"] + total["written"]
    if this["dropped"] and dropped >= min_drops and dropped / seen > max_drop_rate:
        found.append(f"{dropped} of {seen} articles dropped (over {max_drop_rate:.0%}){_over(counts)}")
    not_found, requested = total["not_found"], total["requested"]
    if this["not_found"] and not_found >= min_drops and not_found / requested > max_not_found_rate:
        found.append(f"{not_found} of {requested} requested articles not found (over {max_not_found_rate:.0%})"
                     f"{_over(counts)}: has the text endpoint changed?")
    return found


def problems(stats: dict, previous: dict[str, int], max_drop_rate: float, min_drops: int,
             max_not_found_rate: float, recent: list[dict] = ()) -> list[str]:
    """What went wrong in a run with these stats, in words; [] if nothing.
    `recent`: the `run_counts` of the runs before it, oldest first."""
    found = []
    exceptions = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))
    if exceptions:
        found.append(f"{exceptions} spider error(s) (see the tracebacks above)")
    given_up = sum(stats.get(f"newscrawler/{what}/failed", 0) for what in ("article", "listing", "feed"))
    if given_up:
        found.append(f"{given_up} page(s) given up after retries")
    if not_written := stats.get("newscrawler/write/failed", 0):
        found.append(f"{not_written} article(s) could not be written (see the ERROR lines)")
    if unmarked := stats.get("newscrawler/ledger/failed", 0):
        found.append(f"{unmarked} article(s) written but not marked done in the store")
    if errors := stats.get("newscrawler/item/errors", 0):
        found.append(f"{errors} error(s) in the item pipelines (see the tracebacks above)")
    if stats.get("newscrawler/index/empty"):
        found.append("the category index lists no category")
    found += rate_problems([*recent, run_counts(stats)], max_drop_rate, min_drops, max_not_found_rate)
    for cid, before in sorted(previous.items()):
        now = stats.get(CATEGORY_STAT.format(cid=cid))
        if before and now == 0:
            found.append(f"category {cid} listed {before} articles last run and none now")
    return found


def category_counts(stats: dict) -> dict[str, int]:
    prefix, suffix = CATEGORY_STAT.split("{cid}")
    return {k[len(prefix):-len(suffix)]: v for k, v in stats.items() if k.startswith(prefix) and k.endswith(suffix)}


class RunHealth:
    """``HEALTH_MAX_DROP_RATE`` (0.2) and ``HEALTH_MAX_NOT_FOUND_RATE`` (0.5),
    each over at least ``HEALTH_MIN_DROPS`` (5) articles of the last
    ``HEALTH_WINDOW`` (12) runs; counts kept in ``health.json``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.path = Path(crawler.settings["OUTPUT_DIR"]) / "health.json"
        self.max_drop_rate = crawler.settings.getfloat("HEALTH_MAX_DROP_RATE")
        self.min_drops = crawler.settings.getint("HEALTH_MIN_DROPS")
        self.max_not_found_rate = crawler.settings.getfloat("HEALTH_MAX_NOT_FOUND_RATE")
        self.window = max(1, crawler.settings.getint("HEALTH_WINDOW"))

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _previous(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats
        state = self._previous()
        categories = state.get("categories", {})
        recent = [c for c in state.get("recent", []) if isinstance(c, dict)][-(self.window - 1):] if self.window > 1 else []
        found = problems(stats.get_stats(), categories, self.max_drop_rate, self.min_drops, self.max_not_found_rate,
                         recent)
        counts = category_counts(stats.get_stats())
        if found:
            stats.set_value(FAILED_STAT, "; ".join(found))
            logger.error("Run failed: %s", "; ".join(found))
        categories.update(counts)
        recent.append(run_counts(stats.get_stats()))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            state = {"categories": categories, "recent": recent[-(self.window - 1):] if self.window > 1 else []}
            atomic_write(self.path, json.dumps(state, indent=1).encode("utf-8"))
        except OSError as exc:
            logger.error("Could not save the run's counts to %s: %s", self.path, exc.strerror or exc)
