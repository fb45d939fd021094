"""scrapy-redis's scheduler, with the run's keys and Redis faults reported."""

import logging

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from newscrawler.cluster.run import ClusterRun

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = "redis_unavailable"


class RunDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter under the run's key, with the crawler's
    request fingerprints: with Splash, its fingerprinter tells apart
    requests that differ only in Splash's arguments (scrapy-redis's own
    does not: its issue 111)."""

    @classmethod
    def from_spider(cls, spider):
        run = ClusterRun.of(spider.crawler)
        dupefilter = cls(run.server, key=run.filter_key, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request):
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason=""):
        """Kept: the other workers of the run still use it (it expires)."""


class ClusterScheduler(Scheduler):
    """The run's shared queue (kept when a worker closes: others may still
    use it). Redis failing stops the run in one ERROR line instead of a
    traceback per engine tick."""

    def __init__(self, crawler, **kwargs):
        super().__init__(**kwargs)
        self.crawler = crawler
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler):
        run = ClusterRun.of(crawler)
        settings = crawler.settings
        scheduler = cls(
            crawler,
            server=run.server,
            persist=True,
            queue_key=run.queue_key,
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS") or "scrapy_redis.queue.PriorityQueue",
            dupefilter_cls="newscrawler.cluster.scheduler.RunDupeFilter",
            serializer=None,
        )
        scheduler.stats = crawler.stats
        return scheduler

    def redis_failed(self, exc: Exception) -> None:
        if self.failed:
            return
        self.failed = True
        self.crawler.stats.set_value("newscrawler/cluster/redis_failed", 1)
        logger.error("Stopping the run: Redis at %s fails (%s); the requests of this worker are given back "
                     "by the claims and fetched by a later run", self.crawler.settings["REDIS_URL"], exc)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            self.crawler.engine.close_spider(self.crawler.engine.spider, REDIS_UNAVAILABLE)

    def open(self, spider):
        try:
            return super().open(spider)
        except redis.RedisError as exc:
            self.redis_failed(exc)

    def enqueue_request(self, request):
        if self.failed:
            return False
        try:
            return super().enqueue_request(request)
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return False

    def next_request(self):
        if self.failed:
            return None
        try:
            return super().next_request()
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return None

    def has_pending_requests(self):
        if self.failed:
            return False
        try:
            return super().has_pending_requests()
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return False

    def __len__(self):
        return len(self.queue) if not self.failed else 0
