"""The writer of a site crawled by many workers (``REDIS_URL``)."""

import logging
import time
from pathlib import Path

import redis
import scrapy
from scrapy import signals
from twisted.internet import defer, reactor, threads
from twisted.internet.defer import CancelledError

from newscrawler import leases
from newscrawler.cluster.run import redis_client, stop_for_redis
from newscrawler.cluster.site import make_known, site_problem
from newscrawler.cluster.stream import ItemStream, Unreadable
from newscrawler.extensions.health import NOT_SEEDING_STAT
from newscrawler.cluster.writerlock import held_writer_lock, hold_writer_lock, release_writer_lock
from newscrawler.pipelines.handoff import stream_key

logger = logging.getLogger(__name__)


class WriterSpider(scrapy.Spider):
    """Reads the articles the workers hand off (a Redis Stream) and runs
    them through the usual pipelines: posts, category pages, items.jsonl,
    the ledger, into this machine's ``OUTPUT_DIR``. One writer per site
    (a lock in Redis). Leaves once no worker has been alive and nothing
    was read for ``CLUSTER_IDLE_CLOSE`` seconds; ``-a follow=1`` never
    leaves (a service). An entry is acknowledged once its article is
    written, dropped or given back; a killed writer's are read again by
    the next one."""

    name = "writer"
    custom_settings = {"CLUSTER_ROLE": "write"}
    ARGUMENTS = {"follow": ("1", "keep reading the stream when the workers are gone (a service)"),
                 "base_url": ("URL", "ignored: the workers crawl (the scheduler gives the writer their arguments)")}

    @classmethod
    def settings_problem(cls, settings) -> str | None:
        if not settings.get("REDIS_URL"):
            return "the writer reads what the workers hand off: set REDIS_URL (and run workers with it)"
        namespace = settings.get("REDIS_NAMESPACE") or "newscrawler"
        if problem := hold_writer_lock(settings["REDIS_URL"], namespace, settings.getfloat("CLUSTER_HEARTBEAT_TTL", 30)):
            return problem
        try:
            problem = site_problem(redis_client(settings["REDIS_URL"]), namespace, Path(settings["OUTPUT_DIR"]))
        except (redis.RedisError, OSError) as exc:
            problem = f"cannot check which site Redis holds: {exc}"
        if problem:
            release_writer_lock()  # the next writer need not wait for it to lapse
        return problem

    def __init__(self, follow="0", base_url=None, **kwargs):
        super().__init__(**kwargs)
        self.follow = str(follow) not in ("0", "false", "no", "")
        self.in_flight: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if problem := cls.settings_problem(settings):  # started without `scrapy crawl`
            raise RuntimeError(problem)
        spider.namespace = settings.get("REDIS_NAMESPACE") or "newscrawler"
        spider.idle_close = settings.getfloat("CLUSTER_IDLE_CLOSE")
        spider.stream = ItemStream(redis_client(settings["REDIS_URL"]), stream_key(settings),
                                   f"write/{leases.process_token()}")
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.settled, signal=signal)
        crawler.signals.connect(spider.closed_writer, signal=signals.spider_closed)
        if (lock := held_writer_lock()) is not None:
            lock.on_lost = lambda: reactor.callFromThread(spider.lock_lost)
        return spider

    def make_site_known(self) -> str | None:
        """Before anything is read: see `newscrawler.cluster.site`. What
        went wrong, in one line, or None."""
        from newscrawler.store import StoreError, open_store
        try:
            store = open_store(self.settings)
            try:
                make_known(self.stream.server, self.namespace, Path(self.settings["OUTPUT_DIR"]), store)
            finally:
                store.close()
        except (StoreError, redis.RedisError, OSError) as exc:
            return f"Stopping the writer: cannot make this site known to Redis ({exc})"
        return None

    def lock_lost(self) -> None:
        logger.error("Stopping the writer: it stalled past CLUSTER_HEARTBEAT_TTL and another writer holds the "
                     "lock now (what this one read and did not write, that one reads again)")
        self.crawler.stats.set_value("newscrawler/writer/lock_lost", 1)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            self.crawler.engine.close_spider(self, "writer_lock_lost")

    async def start(self):
        self.crawler.stats.set_value(NOT_SEEDING_STAT, 1)
        if (lock := held_writer_lock()) is not None and lock.lost:  # lost while stalled before on_lost was set
            self.lock_lost()
            return
        # Here, not in from_crawler: its log lines would be lost (Scrapy
        # opens LOG_FILE anew after the spider is made).
        if problem := await threads.deferToThread(self.make_site_known):
            stop_for_redis(self.crawler, self, problem)
            return
        try:
            async for item in self.read_stream():
                yield item
        except CancelledError:
            return  # the run is stopping (Ctrl-C, SIGTERM): what was read and not written is read again

    async def read_stream(self):
        try:
            await threads.deferToThread(self.stream.create_group)
            reclaimed = await threads.deferToThread(self.stream.reclaim)
            await self.unless_closing()
            for entry in reclaimed:
                self.crawler.stats.inc_value("newscrawler/writer/reclaimed")
                if (item := self.take(*entry)) is not None:
                    yield item
            quiet_since = time.monotonic()
            while True:
                entries = await threads.deferToThread(self.stream.read, 1000)
                await self.unless_closing()
                for entry in entries:
                    if (item := self.take(*entry)) is not None:
                        yield item
                if entries or self.in_flight:
                    quiet_since = time.monotonic()
                elif not self.follow and time.monotonic() - quiet_since > self.idle_close:
                    alive = await threads.deferToThread(self.stream.workers_alive, self.namespace)
                    await self.unless_closing()
                    if not alive:
                        return
                    quiet_since = time.monotonic()
        except redis.RedisError as exc:
            await self.unless_closing()
            stop_for_redis(self.crawler, self, f"Stopping the writer: Redis at {self.settings['REDIS_URL']} fails "
                                               f"({exc}); what it read and did not write is read again by the next writer")

    async def unless_closing(self) -> None:
        """Once the run is closing (a pipeline stopped it, Ctrl-C), read
        nothing more and never end: Scrapy 2.13's engine fails on a start()
        that ends or yields after its slot is gone. The process ends anyway."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is None or slot.closing is not None:
            await defer.Deferred()

    def take(self, entry_id: str, item):
        self.crawler.stats.inc_value("newscrawler/writer/read")
        if isinstance(item, Unreadable):
            return self.unreadable(entry_id, item)
        self.in_flight.setdefault(item.info_code, []).append(entry_id)
        return item

    def unreadable(self, entry_id: str, entry: Unreadable) -> None:
        """Give the article back (a later run fetches it again) and drop
        the entry: one ERROR line, counted."""
        from newscrawler.store import HANDED_OFF, StoreError, open_store
        self.crawler.stats.inc_value("newscrawler/writer/unreadable")
        logger.error("Entry %s of the stream (article %r) cannot be read (%s): its article is given back "
                     "and fetched again by a later run", entry_id, entry.code, entry.error)
        try:
            store = open_store(self.settings)
            try:
                if entry.code and store.adopt(entry.code, HANDED_OFF):
                    store.release(entry.code)
            finally:
                store.close()
        except StoreError as exc:
            logger.error("Could not give back %r (%s): its claim lapses after stale_after", entry.code, exc)
        self.stream.ack(entry_id)

    def settled(self, item, *args, **kwargs):
        """The article is written, dropped or given back: its entry is done."""
        ids = self.in_flight.get(getattr(item, "info_code", None))
        if not ids:
            return
        entry_id = ids.pop(0)
        if not ids:
            del self.in_flight[item.info_code]
        try:
            self.stream.ack(entry_id)
        except redis.RedisError as exc:
            logger.warning("Could not acknowledge %s (%s): the next writer reads it again and finds it written",
                           entry_id, exc)

    def closed_writer(self, spider, reason):
        release_writer_lock()
