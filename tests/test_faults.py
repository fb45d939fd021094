"""A flaky source, kill -9 and Ctrl-C: every article written exactly once."""

import random
import signal
import subprocess
import time

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.invariants import assert_written_exactly_once


def test_faults_cost_no_article(tmp_path):
    corpus = Corpus.generate(size=150, seed=21)
    faults = Faults(error_rate=0.15, truncate_rate=0.1, drop_rate=0.05, hang_rate=0.02, hang_seconds=3, seed=2)
    runs = []
    with ReplicaServer(corpus, faults=faults) as replica:
        for _ in range(4):
            result = crawl(tmp_path / "out", replica.url, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_BACKOFF_BASE=0.05")
            runs.append(result)
            assert "Traceback" not in result.log
            if len(result.items()) == len(corpus.writable()):
                break
    reasons = runs[0].summary["retries_by_reason"]
    assert reasons.get("bad_article_answer"), "cut-off JSON bodies were retried"
    assert any("TimeoutError" in r for r in reasons), reasons
    assert any("500" in r or "503" in r for r in reasons), reasons
    assert any("ConnectionDone" in r or "ConnectionLost" in r or "ResponseNeverReceived" in r for r in reasons), reasons
    assert_written_exactly_once(tmp_path / "out", corpus)


def test_give_up_is_logged_with_the_url_and_counted(tmp_path):
    corpus = Corpus.generate(size=25, seed=22)
    with ReplicaServer(corpus, faults=Faults(error_rate=1.0)) as replica:
        result = crawl(tmp_path / "out", replica.url, "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.01")
    assert f"Gave up on listing {replica.url}/category/" in result.log
    assert result.summary["written"] == 0
    assert "Traceback" not in result.log


def jsonl_lines(output):
    jsonl = output / "items.jsonl"
    return jsonl.read_bytes().count(b"\n") if jsonl.exists() else 0


def wait_for_lines(proc, output, target, timeout=60):
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and jsonl_lines(output) < target:
        time.sleep(0.01)


def test_kill_9_at_random_points_then_rerun(tmp_path):
    # Kill points are chosen by progress, not by the clock, so a fast or slow
    # machine still kills every run in the middle of writing.
    corpus = Corpus.generate(size=250, seed=31)
    output = tmp_path / "out"
    rng = random.Random(7)
    slow = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "LOG_LEVEL=WARNING")
    with ReplicaServer(corpus, faults=Faults(latency=0.04)) as replica:
        kills = 0
        for _ in range(5):
            target = jsonl_lines(output) + rng.randint(5, 30)
            proc = subprocess.Popen(crawl_command(replica.url, output, *slow), cwd=REPO_ROOT, env=ENV)
            wait_for_lines(proc, output, target)
            time.sleep(rng.uniform(0, 0.05))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=60)
        assert kills == 5
        lines_before = jsonl_lines(output)
        assert 0 < lines_before < len(corpus.writable()), "the kills interrupted the crawl"
        final = crawl(output, replica.url)
    assert final.returncode == 0, final.log[-3000:]
    assert_written_exactly_once(output, corpus)


def test_ctrl_c_and_resume_with_jobdir(tmp_path):
    corpus = Corpus.generate(size=200, seed=41)
    output, jobdir = tmp_path / "out", tmp_path / "job"
    settings = ("-s", f"JOBDIR={jobdir}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    with ReplicaServer(corpus, faults=Faults(latency=0.05)) as replica:
        proc = subprocess.Popen(crawl_command(replica.url, output, *settings), cwd=REPO_ROOT, env=ENV)
        deadline = time.monotonic() + 60
        jsonl = output / "items.jsonl"
        while time.monotonic() < deadline and (not jsonl.exists() or jsonl.read_bytes().count(b"\n") < 20):
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 1, "an interrupted run says so"
        paused = jsonl.read_bytes().count(b"\n")
        assert paused < len(corpus.writable())
        assert "shutdown" in (tmp_path / "out-crawl.log").read_text()
        resumed = crawl(output, replica.url, "-s", f"JOBDIR={jobdir}")
        index_hits = replica.hits["index"]
    assert resumed.returncode == 0, resumed.log[-3000:]
    assert index_hits == 1, "the resumed run went on from its queue, it did not start over"
    assert_written_exactly_once(output, corpus)


def test_an_article_that_always_fails_is_dropped_after_some_runs(tmp_path):
    corpus = Corpus.generate(size=30, seed=23)
    broken = corpus.listing("dzrb", 1)[2].info_code
    settings = ("-s", "RETRY_TIMES=0", "-s", "ARTICLE_MAX_FAILED_RUNS=3")
    with ReplicaServer(corpus) as replica:
        replica.outages[f"/NewsData/GetNewsText.do?id={broken}"] = 403
        runs = [crawl(tmp_path / "out", replica.url, *settings) for _ in range(4)]
        requests = replica.hits["text"]
    assert [run.returncode for run in runs[:2]] == [1, 1], "given up: the run fails"
    assert runs[2].summary["dropped_by_reason"] == {"failed_repeatedly": 1}
    assert f"Dropped article {broken}: failed_repeatedly: given up in 3 runs in a row" in runs[2].log
    assert runs[3].returncode == 0 and runs[3].summary["article_requests"] == 0, "not fetched again"
    fetchable = [r for r in corpus.records.values() if r.defect != "bad_info_code"]
    assert requests == len(fetchable) + 2, "the broken article fetched in three runs, then no more"


def test_an_article_given_up_twice_in_one_run_counts_one_run(tmp_path):
    # Listed in two categories, given up in both: one run, not two.
    corpus = Corpus.generate(size=60, seed=24)
    twice = next(r for r in corpus.records.values() if len(r.cids) == 2 and r.defect is None)
    settings = ("-s", "RETRY_TIMES=0", "-s", "ARTICLE_MAX_FAILED_RUNS=2")
    with ReplicaServer(corpus) as replica:
        replica.outages[f"/NewsData/GetNewsText.do?id={twice.info_code}"] = 503
        # The second category's listing comes late, after the first give-up.
        second = twice.cids[1]
        replica.before[f"/category/{second}.html"] = lambda: time.sleep(1.5)
        first = crawl(tmp_path / "out", replica.url, *settings)
        replica.before[f"/category/{second}.html"] = lambda: time.sleep(1.5)
        again = crawl(tmp_path / "out", replica.url, *settings)
    assert "failed_repeatedly" not in first.log
    assert again.summary["dropped_by_reason"] == {"failed_repeatedly": 1}
