import json
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from newscrawler.store import SQLiteSeenStore, StoreError

# A child's Redis heartbeat: short, so that its claims are soon stale once it ends.
CHILD_HEARTBEAT = 0.3


class Backend:
    """Opens stores on one set of data; `child()` opens one as `s` in the
    Python source of a child process."""

    def __init__(self):
        self.opened = []

    def open(self, **kwargs):
        self.opened.append(self.make(**kwargs))
        return self.opened[-1]


class SQLiteBackend(Backend):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def make(self, **kwargs):
        return SQLiteSeenStore(self.path, **kwargs)

    def child(self) -> str:
        return f"from newscrawler.store import SQLiteSeenStore; s = SQLiteSeenStore({str(self.path)!r})\n"


class RedisBackend(Backend):
    def __init__(self, url):
        super().__init__()
        self.url = url

    def make(self, **kwargs):
        from newscrawler.store.redis import RedisSeenStore

        return RedisSeenStore(self.url, **kwargs)

    def child(self) -> str:
        return (f"from newscrawler.store.redis import RedisSeenStore;"
                f" s = RedisSeenStore({self.url!r}, heartbeat_ttl={CHILD_HEARTBEAT})\n")


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path):
    """Each store test runs on SQLite and on a real Redis."""
    if request.param == "sqlite":
        made = SQLiteBackend(tmp_path / "dedupe.sqlite3")
    else:
        made = RedisBackend(request.getfixturevalue("redis_server").url)
    yield made
    for store in made.opened:
        store.close()


@pytest.fixture
def store(backend):
    return backend.open()


def eventually(check, timeout: float = 5.0):
    """check()'s first truthy result within `timeout` seconds (else its last)."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return result


def test_claim_once(store):
    assert not store.known("A")
    assert store.claim("A")
    assert store.known("A")
    assert not store.claim("A")
    store.complete("A")
    assert not store.claim("A")
    assert store.done_codes() == {"A"}


def test_release_gives_a_failed_claim_back(store):
    assert store.claim("A")
    store.release("A")
    assert not store.known("A")
    assert store.claim("A")


def test_release_never_undoes_done(store):
    store.claim("A")
    store.complete("A")
    store.release("A")
    assert store.done_codes() == {"A"}


def test_other_stores_on_the_same_file_see_claims(backend, store):
    other = backend.open()
    assert store.claim("A")
    assert other.known("A") and not other.claim("A")


def test_claims_of_a_dead_process_are_released(backend, store):
    # A real child process claims a code and dies without completing it
    # (its Redis heartbeat lapses CHILD_HEARTBEAT seconds later).
    code = backend.child() + "s.claim('DEAD'); s.claim('DONE'); s.complete('DONE')"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert store.known("DEAD") and not store.claim("DEAD")
    [(code, owner)] = eventually(store.stale_claims)
    assert code == "DEAD" and owner != store.owner
    assert store.adopt("DEAD", owner)
    assert not store.adopt("DEAD", owner), "only one process adopts a stale claim"
    store.release("DEAD")
    assert store.claim("DEAD")
    assert store.done_codes() == {"DONE"}


def test_claims_of_a_live_process_are_not_stale(store):
    store.claim("MINE")
    assert store.stale_claims() == []
    assert store.known("MINE")


def test_old_pending_claims_expire_whatever_their_host(backend):
    s = backend.open(stale_after=0.01)
    s.claim("A")
    time.sleep(0.05)
    other = backend.open(stale_after=0.01)
    other.owner = "elsewhere:1"
    assert other.stale_claims() == [("A", s.owner)]
    assert s.stale_claims() == [], "a process's own claims are never stale to itself"


def test_rejected_codes_are_known_until_due_for_recheck(backend):
    s = backend.open(recheck_after=0.05)
    s.reject("BAD", "no_title")
    assert s.known("BAD")
    time.sleep(0.1)
    assert not s.known("BAD")
    assert s.claim("BAD")
    s.complete("BAD")
    s.reject("BAD", "no_title")
    assert s.done_codes() == {"BAD"}


@pytest.mark.parametrize("code", ["../../etc/passwd", "", "x" * 500, "'; DROP TABLE claims; --", "中文"])
def test_any_string_is_a_key(store, code):
    assert store.claim(code)
    assert store.known(code)


def test_claim_leaves_recently_rejected_codes_alone(backend):
    s = backend.open(recheck_after=3600)
    s.reject("GONE", "not_found")
    assert not s.claim("GONE") and s.known("GONE")


def test_holds_and_reject_of_an_own_claim(backend, store):
    other = backend.open()
    other.owner = "elsewhere:1"
    assert store.claim("MINE") and store.holds("MINE")
    assert not other.holds("MINE")
    other.reject("MINE", "no_title")  # not another process's to reject
    assert store.holds("MINE")
    store.reject("MINE", "no_title")
    assert not store.holds("MINE") and store.known("MINE")


def test_walk_markers(store):
    assert store.walk_markers("category:dzrb") is None
    store.complete_walk("category:dzrb", ["A", "B"])
    store.complete_walk("category:dzrb", ["C", "D"])
    assert store.walk_markers("category:dzrb") == ["C", "D"]
    assert store.walk_markers("category:cqrb") is None


def test_states_and_own_pending(backend, store):
    other = backend.open()
    other.owner = "elsewhere:1"
    store.claim("MINE")
    other.claim("THEIRS")
    store.claim("DONE")
    store.complete("DONE")
    store.reject("BAD", "no_title")
    codes = ["MINE", "THEIRS", "DONE", "BAD", "UNKNOWN"] + [f"X{i}" for i in range(1200)]
    assert store.states(codes) == {"MINE": "pending", "THEIRS": "pending", "DONE": "done", "BAD": "rejected"}
    assert store.pending_mine() == ["MINE"]


def test_a_post_name_belongs_to_one_article(backend, store):
    other = backend.open()
    other.owner = "elsewhere:1"
    assert store.claim("A") and other.claim("B")
    assert store.reserve_post("A", "2024-05-06-X.md")
    assert not other.reserve_post("B", "2024-05-06-X.md"), "taken by A"
    assert not store.reserve_post("B", "2024-05-06-Y.md"), "B is not this process's claim"
    assert other.reserve_post("B", "2024-05-06-Y.md")
    store.complete("A")
    assert not other.reserve_post("B", "2024-05-06-X.md"), "still A's once done"
    assert store.post_name("A") == "2024-05-06-X.md"
    assert other.reserve_post("B", None) and other.post_name("B") is None
    other.release("B")
    assert store.claim("B") and store.reserve_post("B", "2024-05-06-Y.md"), "a release frees the name"


def test_a_store_of_the_first_release_is_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE claims (info_code TEXT PRIMARY KEY, state TEXT NOT NULL CHECK (state IN"
        " ('pending', 'done', 'rejected')), owner TEXT NOT NULL, updated_at REAL NOT NULL, reason TEXT);"
        "CREATE TABLE walks (key TEXT PRIMARY KEY, completed_at REAL NOT NULL);"
        "INSERT INTO claims VALUES ('OLD', 'done', 'h:1', 0, NULL);"
        "INSERT INTO walks VALUES ('category:dzrb', 0);"
    )
    db.commit()
    db.close()
    store = SQLiteSeenStore(path)
    assert store.done_codes() == {"OLD"}
    assert store.walk_markers("category:dzrb") is None, "an old walk gives no watermark: the next walk is full"
    assert store.claim("NEW") and store.reserve_post("NEW", "n.md")
    assert store.deferred_walk("category:dzrb") is None
    store.defer_walk("category:dzrb", ["A"], False, ["A"])
    assert store.deferred_walk("category:dzrb") == (["A"], False, ["A"])
    store.close()


OPEN_AT_ONCE = """
import sys, time
from newscrawler.store import SQLiteSeenStore, StoreError
start = float(sys.argv[2])
while time.time() < start:
    pass
store = SQLiteSeenStore(sys.argv[1])
assert store.claim(sys.argv[3])
store.close()
"""


def test_many_processes_open_a_new_store_at_the_same_instant(tmp_path):
    # Before the fix: "database is locked" from PRAGMA journal_mode=WAL in
    # about one trial in three with six processes.
    for trial in range(12):
        path = tmp_path / f"t{trial}" / "dedupe.sqlite3"
        start = time.time() + 0.8
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(path), str(start), f"C{n}"],
                                  stderr=subprocess.PIPE, text=True) for n in range(8)]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * 8, errors
        store = SQLiteSeenStore(path)
        assert store.pending_mine() == [] and len(store.states([f"C{n}" for n in range(8)])) == 8
        store.close()


def test_a_store_that_cannot_be_made_raises_one_clear_error(tmp_path):
    (tmp_path / "notadir").write_text("a file")
    with pytest.raises(StoreError) as raised:
        SQLiteSeenStore(tmp_path / "notadir" / "d.sqlite3")
    assert "notadir" in str(raised.value)


def test_failed_runs_are_counted_within_a_recheck_period(backend):
    store = backend.open(recheck_after=0.2)
    assert [store.record_failure("A") for _ in range(3)] == [1, 2, 3]
    assert store.record_failure("B") == 1
    time.sleep(0.3)
    assert store.record_failure("A") == 1, "a failure long after the last one starts again"


CLAIM_AND_WAIT = """
import sys, time
from newscrawler.store import SQLiteSeenStore
store = SQLiteSeenStore(sys.argv[1])
assert store.claim("NS")
print(store.owner, flush=True)
time.sleep(60)
"""


def test_claims_of_a_process_in_another_pid_namespace(tmp_path):
    # In its own PID namespace the claimant is pid 1, like init here: only
    # its lease tells whether it lives.
    if not shutil.which("unshare") or subprocess.run(["unshare", "--pid", "--fork", "true"]).returncode:
        pytest.skip("unshare --pid does not work here (root or user namespaces needed)")
    db = tmp_path / "dedupe.sqlite3"
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", sys.executable, "-c", CLAIM_AND_WAIT,
                             str(db)], stdout=subprocess.PIPE, text=True)
    owner = proc.stdout.readline().strip()
    assert owner.split("-")[-2] == "1", "pid 1 in its namespace"
    store = SQLiteSeenStore(db)
    try:
        assert store.stale_claims() == [], "alive: its claims are not stale"
    finally:
        proc.kill()
        proc.wait()
    # unshare's --kill-child kills the claimant after unshare itself has
    # died: its lease may be held a moment longer.
    assert eventually(store.stale_claims) == [("NS", owner)]
    store.close()


def test_a_deferred_walk_is_kept_until_the_walk_completes(store):
    assert store.deferred_walk("category:dzrb") is None
    store.defer_walk("category:dzrb", ["A", "B"], True, ["A", "B", "C"])
    store.defer_walk("category:dzrb", ["D"], False, ["D", "中文"])
    store.defer_walk("category:cqrb", [], True, [])
    assert store.deferred_walk("category:dzrb") == (["D"], False, ["D", "中文"]), "the last one replaces"
    store.complete_walk("category:dzrb", ["D"])
    assert store.deferred_walk("category:dzrb") is None
    assert store.deferred_walk("category:cqrb") == ([], True, [])
    assert store.walk_markers("category:dzrb") == ["D"] and store.last_full_walk("category:dzrb") is None
    store.complete_walk("category:dzrb", ["E"], full=True)
    full_at = store.last_full_walk("category:dzrb")
    assert abs(full_at - time.time()) < 5
    store.complete_walk("category:dzrb", ["F"])
    assert store.last_full_walk("category:dzrb") == full_at, "a partial walk keeps the last full walk's time"


CLAIM_AT_ONCE = """
import json, os, random, sys
codes = [f"C{n}" for n in range(1000)]
random.shuffle(codes)
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):  # every process starts at the same instant
    pass
print(json.dumps([code for code in codes if s.claim(code)]))
s.close()
"""


def test_processes_claiming_the_same_codes_at_once_get_each_once(backend, tmp_path):
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", backend.child() + CLAIM_AT_ONCE, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    ready = [p.stdout.readline() for p in procs]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, (ready, [err for _, err in outputs])
    won = [json.loads(out) for out, _ in outputs]
    everything = [code for codes in won for code in codes]
    assert sorted(everything) == sorted(f"C{n}" for n in range(1000)), "each code claimed once, by one process"
    if isinstance(backend, RedisBackend):  # (SQLite's busy handler may let one process take all)
        assert sum(1 for codes in won if codes) > 1, "the processes did race"


# Redis only.

KILLED_CLAIMANT = """
import sys, time
from newscrawler.store.redis import RedisSeenStore
s = RedisSeenStore(sys.argv[1], heartbeat_ttl=float(sys.argv[2]))
assert s.claim("KILLED")
print(s.owner, flush=True)
time.sleep(120)
"""


def test_a_killed_owners_claims_are_stale_once_its_heartbeat_lapses(redis_server):
    ttl = 0.5
    proc = subprocess.Popen([sys.executable, "-c", KILLED_CLAIMANT, redis_server.url, str(ttl)],
                            stdout=subprocess.PIPE, text=True)
    try:
        owner = proc.stdout.readline().strip()
        assert owner.startswith("crawl/")
        store = RedisBackend(redis_server.url).make()
        time.sleep(4 * ttl)
        assert store.stale_claims() == [], "alive (its heartbeat renewed) long after one ttl"
    finally:
        proc.kill()  # SIGKILL: no close(), the heartbeat key just lapses
        proc.wait()
    killed = time.monotonic()
    assert eventually(store.stale_claims) == [("KILLED", owner)]
    assert time.monotonic() - killed < ttl + 1
    assert store.adopt("KILLED", owner) and store.holds("KILLED")
    store.close()


def test_claims_of_another_role_are_never_stale(redis_server):
    backend = RedisBackend(redis_server.url)
    writer, worker = backend.make(role="write"), backend.make(role="crawl", stale_after=0)
    live_writer, live_worker = writer.owner, worker.owner
    assert writer.claim("W") and worker.claim("C")
    writer.owner = "write/gone-1-00000000"  # a dead writer
    assert writer.claim("DEAD_W")
    worker.owner = "crawl/gone-2-00000000"  # a dead worker
    assert worker.claim("DEAD_C")
    worker.owner = "crawl/elsewhere-3-00000000"
    assert sorted(worker.stale_claims()) == [("C", live_worker),
                                             ("DEAD_C", "crawl/gone-2-00000000")], \
        "a worker's: the dead one's, and the old one's; never a writer's, dead or old"
    other_writer = backend.make(role="write")
    other_writer.owner = "write/elsewhere-4-00000000"
    assert other_writer.stale_claims() == [("DEAD_W", "write/gone-1-00000000")], "the live writer's is not stale"
    old_writer = backend.make(role="write", stale_after=0)
    old_writer.owner = "write/elsewhere-5-00000000"
    assert sorted(old_writer.stale_claims()) == [("DEAD_W", "write/gone-1-00000000"), ("W", live_writer)]
    for store in (writer, worker, other_writer, old_writer):
        store.close()


def test_a_hand_off_adds_one_stream_entry_and_moves_the_claim(redis_server):
    import redis

    from newscrawler.store import HANDED_OFF

    backend = RedisBackend(redis_server.url)
    worker, writer = backend.make(stale_after=0), backend.make(role="write", stale_after=0)
    other = backend.make()
    other.owner = "crawl/elsewhere-1-00000000"
    payload = b'{"info_code": "A"}\x00\xff'
    assert worker.claim("A") and other.claim("B")
    assert worker.hand_off("A", payload, "newscrawler:items")
    assert not worker.hand_off("A", payload, "newscrawler:items"), "no longer this process's"
    assert not worker.hand_off("B", payload, "newscrawler:items"), "another's claim"
    assert not worker.hand_off("NEW", payload, "newscrawler:items"), "nobody's claim"
    client = redis.Redis.from_url(redis_server.url)
    [(_, fields)] = client.xrange("newscrawler:items")
    assert fields == {b"code": b"A", b"item": payload}
    assert worker.states(["A"]) == {"A": "pending"} and worker.known("A") and not worker.holds("A")
    assert worker.pending_mine() == [] and not worker.claim("A")
    assert ("A", HANDED_OFF) not in worker.stale_claims() + writer.stale_claims(), "never stale"
    assert writer.adopt("A", HANDED_OFF) and not worker.adopt("A", HANDED_OFF)
    writer.complete("A")
    assert writer.done_codes() == {"A"}
    client.close()
    for store in (worker, writer, other):
        store.close()


def test_every_key_is_under_the_namespace(redis_server):
    import redis

    store = RedisBackend(redis_server.url).make(namespace="site1")
    store.claim("A")
    store.reserve_post("A", "a.md")
    store.complete("A")
    store.reject("B", "no_title")
    store.record_failure("C")
    store.complete_walk("category:x", ["A"])
    store.defer_walk("category:y", ["A"], False, ["A"])
    other = RedisBackend(redis_server.url).make(namespace="site2")
    assert not other.known("A") and other.done_codes() == set()
    with redis.Redis.from_url(redis_server.url) as client:
        assert all(key.startswith(b"site1:") or key.startswith(b"site2:") for key in client.keys("*"))
    store.close()
    other.close()


def test_stores_of_one_process_share_its_heartbeat(redis_server):
    import redis

    backend = RedisBackend(redis_server.url)
    first, second = backend.make(), backend.make()
    key = f"newscrawler:alive:{first.owner}"
    with redis.Redis.from_url(redis_server.url) as client:
        first.close()
        assert client.exists(key), "still alive: another of its stores is open"
        second.close()
        assert not client.exists(key), "the last store to close ends it"


def test_redis_stopped_mid_use_is_a_one_line_store_error(own_redis_server):
    server = own_redis_server(args=("--requirepass", "s3cret-pw"))
    url = f"redis://:s3cret-pw@127.0.0.1:{server.port}/0"
    store = RedisBackend(url).make()
    assert store.claim("A")
    server.kill()
    started = time.monotonic()
    for call in (lambda: store.claim("B"), store.done_codes, store.stale_claims, lambda: store.complete("A")):
        with pytest.raises(StoreError) as raised:
            call()
        message = str(raised.value)
        assert "\n" not in message and "s3cret" not in message and f"127.0.0.1:{server.port}" in message
    assert time.monotonic() - started < 5, "fails fast"
    server.start()
    assert store.claim("B"), "works again once Redis is back"
    store.close()
    server.kill()
    with pytest.raises(StoreError) as raised:
        RedisBackend(url).make()  # nothing listens
    assert "s3cret" not in str(raised.value)


def test_nothing_listening_is_a_store_error_at_once(own_redis_server):
    server = own_redis_server()
    server.kill()
    started = time.monotonic()
    with pytest.raises(StoreError, match=f"127.0.0.1:{server.port}"):
        RedisBackend(server.url).make()
    assert time.monotonic() - started < 5


def test_an_appendonly_redis_keeps_the_store_across_a_restart(own_redis_server):
    server = own_redis_server(appendonly=True)
    store = RedisBackend(server.url).make()
    store.claim("A")
    store.complete("A")
    store.claim("P")
    server.restart()
    assert store.done_codes() == {"A"} and store.holds("P")
    store.close()


def test_open_store_opens_redis(redis_server):
    from scrapy.settings import Settings

    from newscrawler import settings as project_settings
    from newscrawler.store import open_store
    from newscrawler.store.redis import RedisSeenStore

    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("DEDUPE_STORE_URI", redis_server.url)
    settings.set("CLUSTER_ROLE", "write")
    settings.set("REDIS_NAMESPACE", "site1")
    store = open_store(settings)
    assert isinstance(store, RedisSeenStore) and store.owner.startswith("write/") and store.ns == "site1"
    store.close()
    settings.set("DEDUPE_STORE_URI", "mysql://h/db")
    with pytest.raises(ValueError, match="redis://"):
        open_store(settings)


def test_a_sqlite_store_cannot_hand_off(tmp_path):
    store = SQLiteSeenStore(tmp_path / "d.sqlite3")
    store.claim("A")
    with pytest.raises(StoreError, match="redis://"):
        store.hand_off("A", b"{}", "newscrawler:items")
    assert store.holds("A")
    store.close()


def test_mark_done_overrides_any_claim(store):
    """A store that lost its data is told again what is written
    (newscrawler.cluster.site): done whatever the claim says."""
    assert store.claim("A")
    store.reject("B", "no_title")
    assert store.mark_done(iter(["A", "B", "C"])) == 3
    assert store.states(["A", "B", "C"]) == {"A": "done", "B": "done", "C": "done"}
    assert store.pending_mine() == []
    assert not store.claim("C")
    assert store.done_codes() >= {"A", "B", "C"}
