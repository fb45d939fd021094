"""One writer per site: a lock in Redis, held while the process lives."""

import threading
import time

import redis

from newscrawler import leases


# Renew the lock if it is still ARGV[1]'s (or lapsed: nobody took it).
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""


class WriterLock:
    """``{namespace}:writer`` holds the token of the writer process; a
    thread renews it every third of `ttl` seconds. A killed writer's lock
    lapses after `ttl`, and so do its claims' heartbeats: the next writer
    waits for both before it settles what the dead one left."""

    def __init__(self, server: redis.Redis, namespace: str, ttl: float):
        self.server = server
        self.namespace = namespace
        self.key = f"{namespace}:writer"
        self.ttl = ttl
        self.token = leases.process_token()
        self.stop = threading.Event()
        self.lost = False
        self.on_lost = None
        """Called (from the renewing thread) when another writer holds the lock."""

    def holder(self) -> str | None:
        value = self.server.get(self.key)
        return value.decode() if value else None

    def acquire(self, wait: float) -> str | None:
        """Take the lock, waiting up to `wait` seconds for a dead writer's
        to lapse; None when taken, else the live holder's token."""
        deadline = time.monotonic() + wait
        while not self.server.set(self.key, self.token, nx=True, px=int(self.ttl * 1000)):
            if self.holder() == self.token:
                break
            if time.monotonic() > deadline:
                return self.holder() or "unknown"
            time.sleep(min(0.5, self.ttl / 4))
        threading.Thread(target=self._renew, name="writer-lock", daemon=True).start()
        self._wait_for_dead_writers(deadline + self.ttl)
        return None

    def _renew(self) -> None:
        """Renew the lock while it is this writer's. A writer stalled past
        `ttl` (SIGSTOP, swapping) finds another holding it: it has lost it
        and must stop (`on_lost`), not take it back."""
        while not self.stop.wait(self.ttl / 3):
            try:
                held = self.server.eval(_RENEW, 1, self.key, self.token, int(self.ttl * 1000))
            except redis.RedisError:
                continue  # the store's calls report Redis failing
            if not held:
                self.lost = True
                if self.on_lost is not None:
                    self.on_lost()
                return

    def _wait_for_dead_writers(self, deadline: float) -> None:
        """Until the heartbeat of every other writer has lapsed (their
        claims are then stale, and settled by this writer)."""
        mine = f"{self.namespace}:alive:write/{self.token}"
        while time.monotonic() < deadline:
            others = [k for k in self.server.scan_iter(match=f"{self.namespace}:alive:write/*") if k.decode() != mine]
            if not others:
                return
            time.sleep(min(0.5, self.ttl / 4))

    def release(self) -> None:
        self.stop.set()
        # Only if still ours (a stalled writer's lapsed lock may be another's now).
        self.server.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
                         1, self.key, self.token)


_held: WriterLock | None = None


def hold_writer_lock(url: str, namespace: str, ttl: float) -> str | None:
    """Take this process's writer lock (once); None when held, else what
    stops it, in one line."""
    global _held
    if _held is not None:
        return None
    from newscrawler.cluster.run import redis_client
    lock = WriterLock(redis_client(url), namespace, ttl)
    try:
        holder = lock.acquire(wait=2 * ttl)
    except redis.RedisError as exc:
        return f"Redis at {url} does not answer: {exc}"
    if holder is not None:
        return f"another writer ({holder}) is writing this site: one writer per site (REDIS_NAMESPACE {namespace})"
    _held = lock
    return None


def held_writer_lock() -> "WriterLock | None":
    return _held


def release_writer_lock() -> None:
    global _held
    if _held is not None:
        try:
            _held.release()
        except redis.RedisError:
            pass
        _held = None
