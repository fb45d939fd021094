"""The runs' history: Spidermon's stats history, kept beside the output.

Each run's stats are added to ``OUTPUT_DIR/runs/<source>.history`` when it
ends (the last ``SPIDERMON_MAX_STORED_STATS``), written whole: a kill
leaves the old history or the new one. Runs at once over one output add
theirs in turn (a lock, ``<source>.history.lock``): none is lost. A history
that cannot be read, whatever its corruption, is a warning and a new one. The monitors read it as
``stats_history`` (newest first) to compare a run with the runs before it,
and the status page draws it."""

import logging
import pickle
from collections import deque
from pathlib import Path

from spidermon.contrib.stats.statscollectors.local_storage import LocalStorageStatsHistoryCollector

from newscrawler.extensions.health import FAILED_STAT
from newscrawler.files import atomic_write, read_regular
from newscrawler.monitors.locks import locked

logger = logging.getLogger(__name__)

SOURCE_STAT = "newscrawler/run/source"
HISTORY_SUFFIX = ".history"
LOCK_SUFFIX = ".lock"
# 900 runs are about 2 MB: a history far bigger is not one of ours.
MAX_HISTORY_BYTES = 64 * 2**20
# Seconds a run waits for another to add its stats (a write of 2 MB).
LOCK_WAIT = 60


def source_key(spider) -> str:
    """One history per spider and shard: ``category``, ``category-shard0of2``."""
    shard = getattr(spider, "shard", None)
    return spider.name + (f"-shard{shard[0]}of{shard[1]}" if shard else "")


def runs_dir(output_dir) -> Path:
    return Path(output_dir) / "runs"


def read_history(path: Path, keep: int) -> deque:
    """The stats of the runs in `path`, newest first; empty when there is
    none, or it cannot be read (a warning): any corruption of the file, any
    error unpickling it, or anything but a deque of dicts."""
    try:
        history = pickle.loads(read_regular(path, MAX_HISTORY_BYTES))  # noqa: S301 - our own file, in our own output
        if not isinstance(history, deque) or not all(isinstance(stats, dict) for stats in history):
            raise ValueError("not a run history")
    except FileNotFoundError:
        return deque(maxlen=keep)
    except Exception as exc:  # noqa: BLE001 - a corrupted pickle raises anything (TypeError, MemoryError...)
        logger.warning("The run history %s cannot be read (%s: %s): starting a new one",
                       path, type(exc).__name__, str(exc)[:200])
        return deque(maxlen=keep)
    return deque(history, maxlen=keep)


class RunHistory(LocalStorageStatsHistoryCollector):
    """``STATS_CLASS``. Only runs that are monitored (``scrapy crawl``, which
    sets ``SPIDERMON_ENABLED``) are recorded: ``scrapy parse`` is not a run."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._crawler = crawler  # Scrapy 2.13's StatsCollector does not keep it

    def _stats_location(self, spider) -> Path:
        return runs_dir(self._crawler.settings["OUTPUT_DIR"]) / f"{source_key(spider)}{HISTORY_SUFFIX}"

    def _recorded(self) -> bool:
        return self._crawler.settings.getbool("SPIDERMON_ENABLED")

    def open_spider(self, spider=None):
        spider = spider or self._crawler.spider
        keep = self._crawler.settings.getint("SPIDERMON_MAX_STORED_STATS")
        spider.stats_history = read_history(self._stats_location(spider), keep) if self._recorded() else deque()
        self.set_value(SOURCE_STAT, getattr(spider, "base_url", None))

    def _persist_stats(self, stats, spider=None):
        """Read the history again, add this run, write it whole: under the
        lock, so that a run ending meanwhile is not lost."""
        spider = spider or self._crawler.spider
        if not self._recorded():
            return
        path = self._stats_location(spider)
        keep = self._crawler.settings.getint("SPIDERMON_MAX_STORED_STATS")
        try:
            with locked(path.with_name(path.name + LOCK_SUFFIX), LOCK_WAIT):
                history = read_history(path, keep)
                history.appendleft(dict(stats))
                atomic_write(path, pickle.dumps(history))
            spider.stats_history = history
        except OSError as exc:
            logger.error("Could not save the run history %s: %s", path, exc.strerror or exc)
            # After the verdict, but the run fails all the same: the checks
            # that look back over the history would be blind.
            self.set_value(FAILED_STAT, 1)
