"""Wait before each retry, longer each time (exponential backoff)."""

import random

from twisted.internet.task import deferLater


def backoff_delay(retry_times: int, base: float, cap: float, rng=random) -> float:
    """``base * 2**(n-1)``, at most `cap`, with ±25 % jitter so that
    retries of many pages do not come back all at once."""
    if retry_times < 1 or base <= 0:
        return 0.0
    delay = min(cap, base * 2 ** (retry_times - 1))
    return delay * rng.uniform(0.75, 1.25)


class RetryBackoffMiddleware:
    """Delays a request that is a retry (``retry_times`` in its meta) by
    `backoff_delay`. ``RETRY_BACKOFF_BASE`` (0: off) and ``RETRY_BACKOFF_MAX``
    set the curve; the ``newscrawler/retry/backoff_seconds`` stat sums it."""

    def __init__(self, base: float, cap: float, stats):
        self.base = base
        self.cap = cap
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getfloat("RETRY_BACKOFF_BASE"), settings.getfloat("RETRY_BACKOFF_MAX"), crawler.stats)

    def process_request(self, request, spider):
        # Not a coroutine: wrapping every request in one costs more CPU than
        # the whole middleware does. A Deferred that fires with None delays
        # the request and lets it go on.
        retry_times = request.meta.get("retry_times", 0)
        if not retry_times or request.meta.get("backoff_applied") == retry_times:
            return None
        request.meta["backoff_applied"] = retry_times
        delay = backoff_delay(retry_times, self.base, self.cap)
        if delay <= 0:
            return None
        from twisted.internet import reactor  # the one Scrapy installed

        self.stats.inc_value("newscrawler/retry/backoff_seconds", delay)
        return deferLater(reactor, delay, lambda: None)
