"""contrib/crawl-quietly, the cron and systemd recipe: silent when runs go
well, one line when a failure starts and one when it ends."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import REPO_ROOT

SCRIPT = REPO_ROOT / "contrib" / "crawl-quietly"


def crawl_quietly(tmp_path, base_url) -> subprocess.CompletedProcess:
    env = dict(os.environ, NEWSCRAWLER_LOG_DIR=str(tmp_path / "logs"),
               NEWSCRAWLER_VENV=str(Path(sys.executable).parent.parent))
    return subprocess.run([str(SCRIPT), "category", "-a", f"base_url={base_url}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
                           "-s", "RETRY_BACKOFF_BASE=0.01"], capture_output=True, text=True, env=env, timeout=300)


def test_crawl_quietly_speaks_once_when_a_failure_starts_and_once_when_it_ends(tmp_path):
    if not shutil.which("flock"):
        pytest.skip("flock is not installed: apt-get install util-linux")
    corpus = Corpus.generate(size=30, seed=211)
    with ReplicaServer(corpus) as replica:
        runs = [crawl_quietly(tmp_path, replica.url)]
        replica.faults = Faults(drop_rate=1.0)
        runs += [crawl_quietly(tmp_path, replica.url) for _ in range(2)]
        replica.faults = Faults()
        runs += [crawl_quietly(tmp_path, replica.url) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 1, 1, 0, 0], [run.stderr for run in runs]
    assert [run.stdout for run in runs] == [""] * 5
    said = [run.stderr.splitlines() for run in runs]
    assert said[0] == said[2] == said[4] == []
    assert said[1] == [f"newscrawler category: FAILED: 1 page(s) given up after retries "
                       f"(log: {tmp_path / 'logs' / 'category-last.log'})"]
    assert said[3] == ["newscrawler category: runs finish well again (they failed: 1 page(s) given up after retries)"]
    assert (tmp_path / "logs" / "category.log").read_text().count("INFO: Summary: ") == 5


def test_crawl_quietly_stops_a_run_over_its_time_and_says_so(tmp_path, monkeypatch):
    if not shutil.which("flock") or not shutil.which("timeout"):
        pytest.skip("flock or timeout is not installed: apt-get install util-linux coreutils")
    monkeypatch.setenv("NEWSCRAWLER_TIMEOUT", "4")
    corpus = Corpus.generate(size=30, seed=212)
    with ReplicaServer(corpus, faults=Faults(latency=10)) as replica:
        run = crawl_quietly(tmp_path, replica.url)
    assert run.returncode in (124, 137), run.stderr
    assert run.stderr.splitlines() == [f"newscrawler category: FAILED: the run took over 4: stopped "
                                       f"(log: {tmp_path / 'logs' / 'category-last.log'})"]


def test_the_systemd_unit_stops_a_run_that_hangs():
    unit = (REPO_ROOT / "contrib" / "systemd" / "newscrawler.service").read_text()
    assert "\nTimeoutStartSec=" in unit


@pytest.mark.parametrize("limit", ["garbage", "-5", "6 h"])
def test_crawl_quietly_refuses_a_time_limit_it_cannot_use(tmp_path, monkeypatch, limit):
    """timeout(1) printed its usage, then a FAILED line with an empty reason
    naming a log that did not exist, and the failure was taken for one
    going on: later ticks were silent."""
    if not shutil.which("flock"):
        pytest.skip("flock is not installed: apt-get install util-linux")
    monkeypatch.setenv("NEWSCRAWLER_TIMEOUT", limit)
    run = crawl_quietly(tmp_path, "http://127.0.0.1:9")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"newscrawler category: NEWSCRAWLER_TIMEOUT must be a duration such as "
                                       f"6h, 90m or 0 (none), not '{limit}'"]
    assert not (tmp_path / "logs" / "category.failing").exists()
