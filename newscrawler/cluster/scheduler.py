"""scrapy-redis's scheduler, with the run's keys and Redis faults reported."""

import functools
import logging

import redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from newscrawler.cluster.run import ClusterRun, stop_for_redis

logger = logging.getLogger(__name__)



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


def _guarded(method, failed_answer):
    """`method` of scrapy-redis's scheduler, answering `failed_answer` once
    Redis failed (and when it fails now: said once, the run stopped)."""

    @functools.wraps(method)
    def guarded(self, *args):
        if self.failed:
            return failed_answer
        try:
            return method(self, *args)
        except redis.RedisError as exc:
            self.redis_failed(exc)
            return failed_answer

    return guarded


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
        self.failed = True
        stop_for_redis(self.crawler, self.crawler.engine and self.crawler.engine.spider,
                       f"Stopping the run: Redis at {self.crawler.settings['REDIS_URL']} fails ({exc}); the requests "
                       "of this worker are given back by the claims and fetched by a later run")

    open = _guarded(Scheduler.open, None)
    enqueue_request = _guarded(Scheduler.enqueue_request, False)
    next_request = _guarded(Scheduler.next_request, None)
    has_pending_requests = _guarded(Scheduler.has_pending_requests, False)

    def __len__(self):
        return len(self.queue) if not self.failed else 0
