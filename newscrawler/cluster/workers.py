"""A worker's presence in its run, and when it leaves."""

import logging
import time

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from newscrawler.cluster.run import ClusterRun
from newscrawler.extensions.health import RUN_PAGES_STAT, SOURCE_PAGES_STAT

logger = logging.getLogger(__name__)

# Seconds between two "alive, busy or idle" marks of a worker; a mark
# lapses after three of them (a killed worker stops counting at once).
TOUCH_EVERY = 1.0


class WorkerPresence:
    """Keeps the worker from closing while the run has work: Scrapy would
    close it as soon as the shared queue is empty, though another worker,
    busy with a listing page, is about to queue its next page. The worker
    leaves once the queue has been empty and every worker of the run idle
    for ``CLUSTER_IDLE_CLOSE`` seconds."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = ClusterRun.of(crawler)
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        self.pages_told = 0
        """Pages of the source this worker read, added to the run's count."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL") or crawler.settings.get("CLUSTER_ROLE") == "write":
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        logger.info("Worker %s in run %s (queue %s)", self.run.token, self.run.run_id, self.run.queue_key)
        self.crawler.stats.set_value("newscrawler/cluster/run", self.run.run_id)
        self.loop = task.LoopingCall(self.touch)
        self.loop.start(TOUCH_EVERY, now=True)

    def touch(self) -> None:
        engine = self.crawler.engine
        try:
            busy = engine is not None and engine.spider is not None and not engine.spider_is_idle()
            self.run.touch(busy, TOUCH_EVERY * 3)
            self.tell_pages()
            if not engine.downloader.active and getattr(engine, "_slot", None) is not None:
                # An idle engine looks at its scheduler (work another worker
                # queued) and asks whether to close (`spider_idle`) only
                # every 5 s, its heartbeat: every second here instead.
                engine._slot.nextcall.schedule()
        except redis.RedisError:
            pass  # the scheduler reports Redis failing and stops the run
        except RuntimeError:
            pass  # the engine is closing

    def tell_pages(self) -> int:
        """Add the source pages read since the last call to the run's
        count; return the run's count."""
        read = self.crawler.stats.get_value(SOURCE_PAGES_STAT, 0)
        total = self.run.server.incrby(self.run.key("pages"), read - self.pages_told)
        self.pages_told = read
        return total

    def spider_idle(self, spider):
        try:
            waiting = self.run.queued() or self.run.others_busy()
        except redis.RedisError as exc:
            # Not "finished": the run's end cannot be known. The scheduler
            # says so in its one line and closes the run as redis_unavailable.
            scheduler = getattr(getattr(self.crawler.engine, "_slot", None), "scheduler", None)
            if hasattr(scheduler, "redis_failed"):
                scheduler.redis_failed(exc)
            raise DontCloseSpider from None
        now = time.monotonic()
        if waiting:
            self.idle_since = None
            raise DontCloseSpider
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.run.idle_close:
            raise DontCloseSpider

    def warn_without_writer(self) -> None:
        """Articles handed off with no writer alive (none started, or one
        with another REDIS_NAMESPACE) wait in the stream: say so."""
        handed = self.crawler.stats.get_value("newscrawler/handoff/sent", 0)
        if not handed or self.run.server.exists(f"{self.run.namespace}:writer"):
            return
        waiting = self.run.server.xlen(f"{self.run.namespace}:items")
        self.crawler.stats.set_value("newscrawler/cluster/no_writer", 1)
        logger.warning("No writer is running for REDIS_NAMESPACE %r: %d articles wait in its stream "
                       "(start `scrapy crawl writer` with the same REDIS_URL and REDIS_NAMESPACE)",
                       self.run.namespace, waiting)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            # The checks at the end of the run (next) tell a run that read
            # nothing at all: its first worker died before its first page.
            self.crawler.stats.set_value(RUN_PAGES_STAT, self.tell_pages())
            self.warn_without_writer()
            if reason == "finished":
                self.run.leave()
            else:
                self.run.server.delete(self.run.key(f"worker:{self.run.token}"))
        except redis.RedisError as exc:
            logger.warning("Could not leave run %s in Redis (%s): the mark lapses by itself", self.run.run_id, exc)
