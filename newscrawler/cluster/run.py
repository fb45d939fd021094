"""The run a worker joins, and the Redis keys of that run."""

import logging
import secrets
import time

import redis

from newscrawler import leases
from newscrawler.outcomes import REDIS_FAILED_STAT

logger = logging.getLogger(__name__)

# Make ARGV[2] the current run unless the current one is no longer
# ARGV[1] (another worker replaced it first: that one is joined).
_REPLACE_CURRENT = """
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
return ARGV[2]
"""
# Seconds a worker waits for a beat of the current run's workers before
# it takes the run for dead; and the beat a new run starts with, until its
# first worker's own beats (every TOUCH_EVERY) take over.
JOIN_WAIT = 5
NEW_RUN_GRACE = 20

REDIS_UNAVAILABLE = "redis_unavailable"

# A run's keys live this long after its last worker touched them: the
# queue is empty by then, the filter and marks are of no further use.
RUN_KEYS_TTL = 24 * 3600


def stop_for_redis(crawler, spider, message: str) -> None:
    """Stop the run because Redis fails: `message` in one ERROR line, the
    first time only; the run ends as ``redis_unavailable`` (exit 1)."""
    if crawler.stats.get_value(REDIS_FAILED_STAT):
        return
    crawler.stats.set_value(REDIS_FAILED_STAT, 1)
    logger.error("%s", message)
    if crawler.engine is not None and crawler.engine.spider is not None:
        crawler.engine.close_spider(spider, REDIS_UNAVAILABLE)


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10, health_check_interval=30)


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(2)


class ClusterRun:
    """One worker's view of its run: the run's id and keys, the worker's
    token. Made once per crawler (`of`)."""

    def __init__(self, server: redis.Redis, namespace: str, run_id: str, idle_close: float,
                 explicit: bool = True):
        self.server = server
        self.explicit = explicit
        self.namespace = namespace
        self.run_id = run_id
        self.idle_close = idle_close
        self.token = leases.process_token()

    @classmethod
    def of(cls, crawler) -> "ClusterRun | None":
        """The crawler's run (None without ``REDIS_URL``). Joins the run
        given by ``CLUSTER_RUN``, else the run Redis calls current, else
        starts one. Raises `redis.RedisError` when Redis does not answer."""
        if not crawler.settings.get("REDIS_URL"):
            return None
        run = getattr(crawler, "_newscrawler_run", None)
        if run is None:
            settings = crawler.settings
            server = redis_client(settings["REDIS_URL"])
            namespace = settings.get("REDIS_NAMESPACE") or "newscrawler"
            idle_close = settings.getfloat("CLUSTER_IDLE_CLOSE")
            explicit = settings.get("CLUSTER_RUN")
            run_id = explicit or cls.current(server, namespace, idle_close)
            run = crawler._newscrawler_run = cls(server, namespace, run_id, idle_close, bool(explicit))
        return run

    @staticmethod
    def current(server: redis.Redis, namespace: str, idle_close: float) -> str:
        """The current run if its workers beat (`touch`); else a new one. A
        run whose workers all died or failed is over: joining it would only
        drain its queue (its walks went with its workers)."""
        key = f"{namespace}:current_run"
        current = server.get(key)
        current = current.decode() if current else ""
        if current and ClusterRun.beating(server, f"{namespace}:run:{current}:beats"):
            return current
        new = new_run_id()
        return server.eval(_REPLACE_CURRENT, 2, key, f"{namespace}:run:{new}:beats", current, new,
                           max(30, int(idle_close * 3)), NEW_RUN_GRACE * 1000).decode()

    @staticmethod
    def beating(server: redis.Redis, beats_key: str) -> bool:
        """Whether the run's beat counter moves within JOIN_WAIT seconds."""
        first = server.get(beats_key)
        deadline = time.monotonic() + JOIN_WAIT
        while first is not None and time.monotonic() < deadline:
            time.sleep(0.2)
            now = server.get(beats_key)
            if now != first:
                return now is not None
        return False

    def key(self, name: str) -> str:
        return f"{self.namespace}:run:{self.run_id}:{name}"

    @property
    def queue_key(self) -> str:
        return self.key("requests")

    @property
    def filter_key(self) -> str:
        return self.key("filter")

    def seeds(self) -> bool:
        """Whether this worker makes the run's first requests: only the
        first worker of the run to ask does."""
        return bool(self.server.set(self.key("seeded"), self.token, nx=True, ex=RUN_KEYS_TTL))

    def seeded(self) -> bool:
        return bool(self.server.exists(self.key("seeded")))

    def touch(self, busy: bool, ttl: float) -> None:
        """Say this worker is alive and whether it has work in hand."""
        pipe = self.server.pipeline(transaction=False)
        pipe.set(self.key(f"worker:{self.token}"), "busy" if busy else "idle", px=int(ttl * 1000))
        pipe.incr(self.key("beats"))
        pipe.pexpire(self.key("beats"), int(ttl * 1000))
        if not self.explicit:
            pipe.expire(f"{self.namespace}:current_run", max(30, int(self.idle_close * 3)))
        pipe.execute()

    def others_busy(self) -> int:
        """Workers of the run other than this one that have work in hand."""
        busy = 0
        for key in self.server.scan_iter(match=self.key("worker:*"), count=100):
            if key.decode().rsplit(":", 1)[-1] != self.token and self.server.get(key) == b"busy":
                busy += 1
        return busy

    def queued(self) -> int:
        return self.server.zcard(self.queue_key)

    def leave(self) -> None:
        """This worker leaves a run that is over: a worker started later
        begins a new run rather than join this one."""
        pipe = self.server.pipeline(transaction=False)
        pipe.delete(self.key(f"worker:{self.token}"))
        for name in ("filter", "seeded"):
            pipe.expire(self.key(name), RUN_KEYS_TTL)
        pipe.execute()
        current = f"{self.namespace}:current_run"
        if self.server.get(current) == self.run_id.encode():
            self.server.delete(current)
