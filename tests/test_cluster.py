"""Many workers on one real Redis (scrapy-redis), one writer, the replica
over a real socket: every article once, whatever is killed."""

import re
import signal
import time
from collections import Counter

import pytest
import redis

from newscrawler.cluster.localredis import LocalRedis
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.replica.server import Faults
from tests.cluster import Cluster, redis_missing

pytestmark = pytest.mark.skipif(bool(redis_missing()), reason=redis_missing() or "")

TEXT = "/NewsData/GetNewsText.do"


@pytest.fixture
def durable_redis(tmp_path):
    with LocalRedis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def corpus():
    return Corpus.generate(size=120, seed=3)


@pytest.fixture
def replica(corpus):
    # A little latency: the work spreads over the workers as over a real source.
    with ReplicaServer(corpus, faults=Faults(latency=0.3)) as server:
        yield server


def text_fetches(replica) -> Counter:
    return Counter({path: n for path, n in replica._attempts.items() if path.startswith(TEXT)})


def assert_every_article_once(cluster: Cluster, corpus) -> None:
    expected = {r.info_code for r in corpus.writable()}
    lines = [line["info_code"] for line in cluster.lines()]
    assert sorted(lines) == sorted(expected), "items.jsonl: each article once"
    posts = cluster.posts()
    assert len(posts) == len(expected), "one post per article"
    codes_in_posts = Counter(re.search(r"infoCode=([A-Za-z0-9_-]+)", p.read_text(encoding="utf-8")).group(1)
                             for p in posts)
    assert set(codes_in_posts) == expected and max(codes_in_posts.values()) == 1
    assert expected <= cluster.done_codes()


def test_three_workers_write_every_article_once_and_split_the_work(tmp_path, durable_redis, replica, corpus):
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer", spider="writer")
    for n in range(3):
        cluster.start(f"worker-{n}")
    codes = cluster.wait()
    assert all(code == 0 for code in codes.values()), {n: cluster.log(n)[-3000:] for n in codes}
    for name in codes:
        assert "Traceback" not in cluster.log(name), cluster.log(name)
    assert_every_article_once(cluster, corpus)
    handed = {n: cluster.summary(f"worker-{n}")["handed_off"] for n in range(3)}
    assert sum(handed.values()) == len(corpus.writable())
    assert all(handed.values()), f"every worker wrote some articles: {handed}"
    assert max(text_fetches(replica).values()) == 1, "no article fetched twice"
    assert cluster.summary("writer")["written"] == len(corpus.writable())
    assert cluster.stream_length() == 0

    # Nothing new: one listing page per category, nothing fetched.
    before = dict(replica.hits)
    cluster.new_run()
    cluster.start("writer", spider="writer")
    for n in range(2):
        cluster.start(f"worker-{n}")
    assert set(cluster.wait().values()) == {0}
    assert replica.hits["listing"] - before["listing"] == len(corpus.categories)
    assert replica.hits["text"] == before["text"]
    assert_every_article_once(cluster, corpus)


@pytest.mark.parametrize("victim", ["worker-1", "writer"])
def test_a_process_killed_mid_run_costs_nothing(tmp_path, durable_redis, replica, corpus, victim):
    """kill -9 of a worker (its claims lapse with its heartbeat) or of the
    writer (the next one reads again what it read and did not finish, and
    first settles what it half wrote): the next run writes every article once."""
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer", spider="writer")
    for n in range(3):
        cluster.start(f"worker-{n}")
    cluster.wait_for_lines(15)
    cluster.kill(victim)
    codes = cluster.wait()
    survivors = {name: code for name, code in codes.items() if name != victim}
    assert set(survivors.values()) == {0}, {n: cluster.log(n)[-3000:] for n in survivors}
    cluster.let_heartbeats_lapse()
    cluster.new_run()
    cluster.start("writer", spider="writer")
    for n in range(2):
        cluster.start(f"worker-{n}")
    codes = cluster.wait()
    assert set(codes.values()) == {0}, {n: cluster.log(n)[-3000:] for n in codes}
    assert_every_article_once(cluster, corpus)


def test_redis_stopped_mid_run_fails_in_one_line_and_the_next_run_completes(tmp_path, durable_redis, replica, corpus):
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer", spider="writer")
    for n in range(2):
        cluster.start(f"worker-{n}")
    # Mid-crawl: articles are being fetched (the writer may lag behind).
    deadline = time.monotonic() + 60
    while replica.hits["text"] < 20:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    durable_redis.stop()
    codes = cluster.wait()
    assert codes["worker-0"] == codes["worker-1"] == 1, codes
    for name in codes:
        log = cluster.log(name)
        assert "Traceback" not in log, log[-5000:]
        assert re.search(r"ERROR: Stopping the (run|writer): .*redis://127\.0\.0\.1:\d+/0", log), log[-3000:]
    for name in codes:
        errors = [line for line in cluster.log(name).splitlines() if " ERROR: " in line]
        # At most the article being written then, the stop, the verdict.
        assert len(errors) <= 3, errors
    durable_redis.start()  # same port, same append-only file: the claims are back
    cluster.let_heartbeats_lapse()  # the stopped processes could not give theirs back
    cluster.new_run()
    cluster.start("writer", spider="writer")
    for n in range(2):
        cluster.start(f"worker-{n}")
    codes = cluster.wait()
    assert set(codes.values()) == {0}, {n: cluster.log(n)[-3000:] for n in codes}
    assert_every_article_once(cluster, corpus)


def test_workers_started_right_after_a_run_died_start_a_new_run(tmp_path, durable_redis, replica, corpus):
    """Without CLUSTER_RUN, workers join the run Redis calls current: not
    one whose workers all died (it would only drain its queue; its walks
    died with them) but a new one, which completes the site."""
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.new_run(explicit=False)
    cluster.start("writer", spider="writer")
    for n in range(3):
        cluster.start(f"worker-{n}")
    cluster.wait_for_lines(15)
    for n in range(3):
        cluster.kill(f"worker-{n}")
    cluster.new_run(explicit=False)  # at once: the dead run is still "current" for its key's 30 s
    cluster.start("worker-3")
    codes = cluster.wait()
    assert codes["worker-3"] == 0 and codes["writer"] == 0, codes
    assert "was started by another worker" not in cluster.log("worker-3")
    assert_every_article_once(cluster, corpus)


def test_an_entry_the_writer_cannot_read_is_given_back_in_one_line(tmp_path, durable_redis):
    """A damaged entry, or one another version of the project wrote: its
    article is given back (a later run fetches it), the others are written."""
    from newscrawler.store.redis import RedisSeenStore
    worker = RedisSeenStore(durable_redis.url)
    worker.claim("NWBROKEN1")
    assert worker.hand_off("NWBROKEN1", b"not a pickle", "newscrawler:items")
    worker.close()
    cluster = Cluster(tmp_path, durable_redis, "http://127.0.0.1:9", CLUSTER_IDLE_CLOSE=1)
    cluster.start("writer", spider="writer")
    codes = cluster.wait()
    log = cluster.log("writer")
    assert "Traceback" not in log, log[-3000:]
    errors = [line for line in log.splitlines() if " ERROR: " in line]
    assert any("(article 'NWBROKEN1') cannot be read (UnpicklingError" in line for line in errors), errors
    assert codes["writer"] == 1  # an ERROR the monitors count
    store = RedisSeenStore(durable_redis.url)
    assert store.states(["NWBROKEN1"]) == {}, "given back: a later run fetches it"
    store.close()
    assert cluster.stream_length() == 0


def test_workers_without_a_writer_say_so_and_a_writer_started_later_writes_everything(
        tmp_path, durable_redis, replica, corpus):
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    for n in range(2):
        cluster.start(f"worker-{n}")
    codes = cluster.wait()
    assert set(codes.values()) == {0}, codes
    handed = sum(cluster.summary(f"worker-{n}")["handed_off"] for n in range(2))
    assert handed == len(corpus.writable())
    warned = [cluster.log(f"worker-{n}") for n in range(2)]
    assert any(f"No writer is running for REDIS_NAMESPACE 'newscrawler': {handed} articles wait" in log
               or "No writer is running for REDIS_NAMESPACE 'newscrawler'" in log for log in warned)
    assert cluster.lines() == []
    cluster.start("writer", spider="writer")
    assert cluster.wait()["writer"] == 0
    assert_every_article_once(cluster, corpus)


def test_a_redis_that_lost_its_data_makes_no_second_post(tmp_path, durable_redis, replica, corpus):
    """Redis emptied (or restarted without its append-only file): the
    writer marks the site's articles done again from items.jsonl, instead
    of writing each a second time under another name."""
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer", spider="writer")
    cluster.start("worker-0")
    assert set(cluster.wait().values()) == {0}
    assert_every_article_once(cluster, corpus)
    redis.Redis.from_url(durable_redis.url).flushall()
    # A worker first, alone: it claims every article again and hands it off.
    cluster.new_run()
    cluster.start("worker-0")
    assert cluster.wait()["worker-0"] == 0
    assert cluster.stream_length() == len(corpus.writable())
    cluster.new_run()
    cluster.start("writer", spider="writer")
    cluster.start("worker-0")
    codes = cluster.wait()
    assert set(codes.values()) == {0}, {n: cluster.log(n)[-3000:] for n in codes}
    assert_every_article_once(cluster, corpus)
    assert f"the {len(corpus.writable())} articles of" in cluster.log("writer")
    assert cluster.stream_length() == 0


def test_a_writer_of_another_folder_is_refused(tmp_path, durable_redis, replica, corpus):
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer", spider="writer")
    cluster.start("worker-0")
    assert set(cluster.wait().values()) == {0}
    cluster.site = tmp_path / "elsewhere"
    cluster.new_run()
    cluster.start("writer", spider="writer")
    assert cluster.wait()["writer"] == 2
    stderr = (cluster.folder("writer") / "stderr.txt").read_text(encoding="utf-8")
    assert stderr.startswith("scrapy: error: REDIS_NAMESPACE 'newscrawler' of this Redis is another site's")
    assert not (tmp_path / "elsewhere" / "_posts").exists() or not list((tmp_path / "elsewhere" / "_posts").iterdir())


def wait_for_log(cluster: Cluster, name: str, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in cluster.log(name):
        assert time.monotonic() < deadline, cluster.log(name)[-3000:]
        time.sleep(0.1)


def test_a_writer_stopped_with_ctrl_c_says_nothing_more(tmp_path, durable_redis):
    cluster = Cluster(tmp_path, durable_redis, "http://127.0.0.1:9")
    cluster.start("writer", spider="writer")
    wait_for_log(cluster, "writer", "Spider opened")
    time.sleep(1.5)  # reading the stream
    cluster.procs["writer"].send_signal(signal.SIGINT)
    codes = cluster.wait()
    assert codes["writer"] == 1  # did not finish
    assert "Traceback" not in cluster.log("writer"), cluster.log("writer")[-3000:]


def test_a_stalled_writer_does_not_take_the_lock_back(tmp_path, durable_redis, replica, corpus):
    """SIGSTOP past the heartbeat: a second writer takes over; the first,
    resumed, stops instead of renewing the lock over the second's."""
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    cluster.start("writer-a", spider="writer")
    wait_for_log(cluster, "writer-a", "Spider opened")
    cluster.procs["writer-a"].send_signal(signal.SIGSTOP)
    cluster.start("writer-b", spider="writer")
    wait_for_log(cluster, "writer-b", "Spider opened")
    server = redis.Redis.from_url(durable_redis.url)
    holder = server.get("newscrawler:writer")
    cluster.procs["writer-a"].send_signal(signal.SIGCONT)
    cluster.start("worker-0")
    codes = cluster.wait()
    assert "Stopping the writer: it stalled past CLUSTER_HEARTBEAT_TTL" in cluster.log("writer-a")
    assert codes["writer-a"] == 1 and codes["writer-b"] == 0 and codes["worker-0"] == 0, codes
    assert holder is not None and server.get("newscrawler:writer") in (holder, None)
    assert_every_article_once(cluster, corpus)


def test_a_run_whose_first_worker_died_before_its_first_page_fails(tmp_path, durable_redis, replica):
    """The first worker took the run's start, then died before any request
    reached the queue (as a kill -9 in its first second does): the others
    found nothing to do and ended well, and the site got nothing."""
    cluster = Cluster(tmp_path, durable_redis, replica.url)
    redis.Redis.from_url(durable_redis.url).set(f"newscrawler:run:{cluster.run_id}:seeded", "vm-1-deadbeef")
    for n in range(2):
        cluster.start(f"worker-{n}")
    codes = cluster.wait()
    assert codes == {"worker-0": 1, "worker-1": 1}, codes
    for n in range(2):
        log = cluster.log(f"worker-{n}")
        assert "no worker of the run read a page of the source: the one that began it died first" in log
        assert "Traceback" not in log
