"""Dedupe store in Redis, shared by processes on any number of hosts.

Layout, every key under ``{namespace}:``::

    claim:{code}      hash: state, owner, at (Redis server time), reason, post
    pending           hash: code -> owner, of every pending claim
    done              set: every code done
    posts             hash: post file name -> code holding it
    failures:{code}   hash: runs, at
    walk:{key}        hash: completed_at, markers (JSON), full_at
    deferred:{key}    JSON [markers, full, codes] of a walk deferred
    alive:{owner}     exists while the owner's process lives (heartbeat)

Each change that reads before it writes is one Lua script, so it is atomic
whichever processes run it at the same instant. Claim times are the Redis
server's clock (one clock for every host); walk times are the caller's,
which compares them with its own.
"""

import functools
import json
import logging
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import redis

from newscrawler import leases
from newscrawler.store.base import HANDED_OFF, StoreError

logger = logging.getLogger(__name__)

# So that a dead or unreachable Redis fails a run at once, not hangs it.
SOCKET_TIMEOUT = 10

_LUA = """
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function stamp(t) return string.format('%.6f', t) end
-- Give up the post name of the claim KEYS[1] (of code ARGV[1]) in KEYS[3].
local function free_post()
  local name = redis.call('HGET', KEYS[1], 'post')
  if name and redis.call('HGET', KEYS[3], name) == ARGV[1] then redis.call('HDEL', KEYS[3], name) end
  redis.call('HDEL', KEYS[1], 'post')
end
"""
# KEYS: claim, pending, posts. ARGV: code, owner, recheck_after.
_CLAIM = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'at')
local t = now()
if c[1] then
  if c[1] ~= 'rejected' or tonumber(c[2]) > t - tonumber(ARGV[3]) then return 0 end
  free_post()
  redis.call('HDEL', KEYS[1], 'reason')
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[2], 'at', stamp(t))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""
# KEYS: claim. ARGV: recheck_after.
_KNOWN = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'at')
if not c[1] then return 0 end
if c[1] ~= 'rejected' or tonumber(c[2]) > now() - tonumber(ARGV[1]) then return 1 end
return 0
"""
# KEYS: claim, pending, posts. ARGV: code, owner, reason.
_REJECT = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'owner')
if c[1] and c[1] ~= 'rejected' and not (c[1] == 'pending' and c[2] == ARGV[2]) then return 0 end
free_post()
redis.call('HSET', KEYS[1], 'state', 'rejected', 'owner', ARGV[2], 'at', stamp(now()), 'reason', ARGV[3])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""
# KEYS: claim, pending, posts. ARGV: code, owner, '1' and a name, or '0'.
_RESERVE_POST = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'owner')
if c[1] ~= 'pending' or c[2] ~= ARGV[2] then return 0 end
if ARGV[3] == '1' then
  local holder = redis.call('HGET', KEYS[3], ARGV[4])
  if holder and holder ~= ARGV[1] then return 0 end
end
free_post()
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
  redis.call('HSET', KEYS[1], 'post', ARGV[4])
end
return 1
"""
# KEYS: claim, pending, done. ARGV: code, owner.
_COMPLETE = _LUA + """
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'at', stamp(now()))
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""
# KEYS: claim, pending, done. ARGV: code, owner. Done whatever its state.
_MARK_DONE = _LUA + """
redis.call('HSET', KEYS[1], 'state', 'done', 'owner', ARGV[2], 'at', stamp(now()))
redis.call('HDEL', KEYS[1], 'reason')
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""
# KEYS: claim, pending, posts. ARGV: code, owner.
_RELEASE = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'owner')
if c[1] ~= 'pending' or c[2] ~= ARGV[2] then return 0 end
free_post()
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""
# KEYS: failures:code. ARGV: recheck_after.
_RECORD_FAILURE = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'runs', 'at')
local t = now()
local runs = 1
if c[1] and tonumber(c[2]) > t - tonumber(ARGV[1]) then runs = tonumber(c[1]) + 1 end
redis.call('HSET', KEYS[1], 'runs', runs, 'at', stamp(t))
return runs
"""
# KEYS: claim, pending. ARGV: code, from owner, to owner.
_ADOPT = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'owner')
if c[1] ~= 'pending' or c[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'at', stamp(now()))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
"""
# KEYS: claim, pending, stream. ARGV: code, owner, payload, HANDED_OFF.
_HAND_OFF = _LUA + """
local c = redis.call('HMGET', KEYS[1], 'state', 'owner')
if c[1] ~= 'pending' or c[2] ~= ARGV[2] then return 0 end
redis.call('XADD', KEYS[3], '*', 'code', ARGV[1], 'item', ARGV[3])
redis.call('HSET', KEYS[1], 'owner', ARGV[4], 'at', stamp(now()))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
"""


def safe_url(url: str) -> str:
    """`url` without its password (in the user part or the query)."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
    netloc = f"{user}@{hostport}" if user else hostport
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def _translated(method):
    """redis-py errors become `StoreError`, naming the server (not its password)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            raise StoreError(f"dedupe store {self.url}: {' '.join(str(exc).split())}") from None

    return wrapper


class _Heartbeat(threading.Thread):
    """Keeps ``alive:{owner}`` for `ttl` seconds, renewed every third of
    it, from a daemon thread with a connection of its own. The stores of
    one process share an owner, so they share one heartbeat: it stops when
    the last of them closes."""

    _running: dict[tuple[str, str], "_Heartbeat"] = {}
    _lock = threading.Lock()

    def __init__(self, client: redis.Redis, key: str, ttl: float):
        super().__init__(name=f"heartbeat {key}", daemon=True)
        self.client, self.key, self.ttl = client, key, ttl
        self.users = 0
        self.stopping = threading.Event()

    @classmethod
    def join_in(cls, url: str, key: str, ttl: float) -> "_Heartbeat":
        with cls._lock:
            beat = cls._running.get((url, key))
            if beat is None or not beat.is_alive():
                client = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT,
                                              socket_connect_timeout=SOCKET_TIMEOUT)
                beat = cls(client, key, ttl)
                try:
                    beat.beat()
                except redis.RedisError:
                    client.close()
                    raise
                beat.start()
                cls._running[(url, key)] = beat
            beat.users += 1
            return beat

    def leave(self, url: str) -> None:
        with self._lock:
            self.users -= 1
            if self.users > 0:
                return
            self._running.pop((url, self.key), None)
        self.stopping.set()
        self.join(timeout=SOCKET_TIMEOUT)
        try:
            self.client.delete(self.key)
        except redis.RedisError:
            pass  # the key lapses by itself within ttl
        self.client.close()

    def beat(self) -> None:
        self.client.set(self.key, "1", px=max(1, int(self.ttl * 1000)))

    def run(self) -> None:
        failing = False
        while not self.stopping.wait(self.ttl / 3):
            try:
                self.beat()
                failing = False
            except redis.RedisError as exc:
                if not failing:
                    logger.warning("Heartbeat %s failed (%s): other processes may soon take this one's"
                                   " claims for a dead one's", self.key, exc)
                failing = True


class RedisSeenStore:
    """`SeenStore` in Redis. Owners are ``{role}/{process token}``: role
    ``crawl`` for the workers, ``write`` for the process that writes the
    files. An owner lives while its heartbeat key does (it lapses
    `heartbeat_ttl` seconds after the process dies, however it dies). A
    pending claim is stale to a store of the same role only (just the
    writer has the files to settle a writer's claim) when its owner is dead
    or the claim is older than `stale_after` seconds; `HANDED_OFF` claims
    never are. A rejected code is known for `recheck_after` seconds."""

    def __init__(self, url: str, *, role: str = "crawl", namespace: str = "newscrawler",
                 stale_after: float = 6 * 3600, recheck_after: float = 24 * 3600, heartbeat_ttl: float = 30.0):
        if not role or "/" in role:
            raise ValueError(f"store role {role!r}: a non-empty name without '/'")
        self.url = safe_url(url)
        self.role, self.ns = role, namespace
        self.stale_after, self.recheck_after = stale_after, recheck_after
        self.owner = f"{role}/{leases.process_token()}"
        self._url = url
        self._r = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT,
                                       decode_responses=True)
        script = self._r.register_script
        self._claim, self._known, self._reject = script(_CLAIM), script(_KNOWN), script(_REJECT)
        self._reserve_post, self._complete, self._release = script(_RESERVE_POST), script(_COMPLETE), script(_RELEASE)
        self._record_failure, self._adopt, self._hand_off = script(_RECORD_FAILURE), script(_ADOPT), script(_HAND_OFF)
        self._mark_done = script(_MARK_DONE)
        self._heartbeat = None
        self._start(heartbeat_ttl)

    @_translated
    def _start(self, heartbeat_ttl: float) -> None:
        self._r.ping()
        self._heartbeat = _Heartbeat.join_in(self._url, self._alive(self.owner), heartbeat_ttl)

    def _key(self, *parts: str) -> str:
        return ":".join((self.ns, *parts))

    def _claim_keys(self, info_code: str, third: str = "posts") -> list[str]:
        return [self._key("claim", info_code), self._key("pending"), self._key(third)]

    def _alive(self, owner: str) -> str:
        return self._key("alive", owner)

    @_translated
    def known(self, info_code: str) -> bool:
        return bool(self._known(keys=[self._key("claim", info_code)], args=[self.recheck_after]))

    @_translated
    def claim(self, info_code: str) -> bool:
        return bool(self._claim(keys=self._claim_keys(info_code), args=[info_code, self.owner, self.recheck_after]))

    @_translated
    def holds(self, info_code: str) -> bool:
        state, owner = self._r.hmget(self._key("claim", info_code), "state", "owner")
        return state == "pending" and owner == self.owner

    @_translated
    def states(self, info_codes) -> dict[str, str]:
        codes = list(info_codes)
        found = {}
        for start in range(0, len(codes), 1000):
            chunk = codes[start:start + 1000]
            pipe = self._r.pipeline(transaction=False)
            for code in chunk:
                pipe.hget(self._key("claim", code), "state")
            found.update((code, state) for code, state in zip(chunk, pipe.execute()) if state is not None)
        return found

    @_translated
    def reject(self, info_code: str, reason: str) -> None:
        self._reject(keys=self._claim_keys(info_code), args=[info_code, self.owner, reason])

    @_translated
    def reserve_post(self, info_code: str, name: str | None) -> bool:
        args = [info_code, self.owner] + (["0"] if name is None else ["1", name])
        return bool(self._reserve_post(keys=self._claim_keys(info_code), args=args))

    @_translated
    def post_name(self, info_code: str) -> str | None:
        return self._r.hget(self._key("claim", info_code), "post")

    @_translated
    def complete(self, info_code: str) -> None:
        self._complete(keys=self._claim_keys(info_code, "done"), args=[info_code, self.owner])

    @_translated
    def mark_done(self, info_codes) -> int:
        """`SeenStore.mark_done`, a thousand codes per round trip."""
        count, batch = 0, []
        for code in info_codes:
            batch.append(code)
            if len(batch) == 1000:
                count += self._mark_batch(batch)
                batch = []
        return count + (self._mark_batch(batch) if batch else 0)

    def _mark_batch(self, codes: list[str]) -> int:
        pipe = self._r.pipeline(transaction=False)
        for code in codes:
            self._mark_done(keys=self._claim_keys(code, "done"), args=[code, self.owner], client=pipe)
        pipe.execute()
        return len(codes)

    @_translated
    def release(self, info_code: str) -> None:
        self._release(keys=self._claim_keys(info_code), args=[info_code, self.owner])

    @_translated
    def record_failure(self, info_code: str) -> int:
        return int(self._record_failure(keys=[self._key("failures", info_code)], args=[self.recheck_after]))

    def _pending(self) -> dict[str, str]:
        return dict(self._r.hscan_iter(self._key("pending"), count=1000))

    @_translated
    def pending_mine(self) -> list[str]:
        return [code for code, owner in self._pending().items() if owner == self.owner]

    @_translated
    def stale_claims(self) -> list[tuple[str, str]]:
        role = self.role + "/"
        candidates = [(code, owner) for code, owner in self._pending().items()
                      if owner.startswith(role) and owner not in (self.owner, HANDED_OFF)]
        if not candidates:
            return []
        owners = sorted({owner for _, owner in candidates})
        pipe = self._r.pipeline(transaction=False)
        for code, _ in candidates:
            pipe.hget(self._key("claim", code), "at")
        for owner in owners:
            pipe.exists(self._alive(owner))
        pipe.time()
        replies = pipe.execute()
        seconds, micros = replies[-1]
        too_old = seconds + micros / 1e6 - self.stale_after
        alive = dict(zip(owners, replies[len(candidates):-1]))
        return [(code, owner) for (code, owner), at in zip(candidates, replies)
                if at is not None and (not alive[owner] or float(at) < too_old)]

    @_translated
    def adopt(self, info_code: str, owner: str) -> bool:
        return bool(self._adopt(keys=self._claim_keys(info_code)[:2], args=[info_code, owner, self.owner]))

    @_translated
    def hand_off(self, info_code: str, payload: bytes, stream: str) -> bool:
        """`SeenStore.hand_off`; `stream` is the stream's whole key name."""
        keys = self._claim_keys(info_code)[:2] + [stream]
        return bool(self._hand_off(keys=keys, args=[info_code, self.owner, payload, HANDED_OFF]))

    @_translated
    def walk_markers(self, key: str) -> list[str] | None:
        markers = self._r.hget(self._key("walk", key), "markers")
        return json.loads(markers) if markers else None

    @_translated
    def last_full_walk(self, key: str) -> float | None:
        full_at = self._r.hget(self._key("walk", key), "full_at")
        return float(full_at) if full_at else None

    @_translated
    def complete_walk(self, key: str, markers: list[str], full: bool = False) -> None:
        now = time.time()
        fields = {"completed_at": repr(now), "markers": json.dumps(list(markers))}
        if full:
            fields["full_at"] = repr(now)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(self._key("walk", key), mapping=fields)
        pipe.delete(self._key("deferred", key))
        pipe.execute()

    @_translated
    def defer_walk(self, key: str, markers: list[str], full: bool, codes: list[str]) -> None:
        self._r.set(self._key("deferred", key), json.dumps([list(markers), bool(full), list(codes)]))

    @_translated
    def deferred_walk(self, key: str) -> tuple[list[str], bool, list[str]] | None:
        value = self._r.get(self._key("deferred", key))
        if value is None:
            return None
        markers, full, codes = json.loads(value)
        return markers, full, codes

    @_translated
    def done_codes(self) -> set[str]:
        return set(self._r.sscan_iter(self._key("done"), count=1000))

    def close(self) -> None:
        """Stop the heartbeat (the last store of the process deletes its
        key) and the connections."""
        if self._heartbeat is not None:
            self._heartbeat.leave(self._url)
            self._heartbeat = None
        self._r.close()
