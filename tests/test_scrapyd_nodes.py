"""The scheduler on several real Scrapyd nodes (and a node that is down), against a live replica."""

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import REPO_ROOT
from tests.scrapyd import ScrapydServer, deploy, scrapyd_missing
from tests.splash import free_port


@pytest.fixture
def nodes(tmp_path):
    """Two crawl nodes and a writer node, each a Scrapyd with the project deployed."""
    if reason := scrapyd_missing():
        pytest.skip(reason)
    (tmp_path / "scrapy.cfg").write_text((REPO_ROOT / "scrapy.cfg").read_text())
    servers = {name: ScrapydServer(tmp_path / name) for name in ("a", "b", "w")}

    def ready(name):
        servers[name].start()
        deploy(servers[name], tmp_path / f"deploy-{name}")
        servers[name].get("/listspiders.json?project=newscrawler")  # Scrapyd caches `scrapy list` for schedule.json

    try:
        with ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(ready, servers))
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def jobs_of(server) -> dict:
    return server.get("/listjobs.json?project=newscrawler")


def wait_idle(servers, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while any(jobs_of(s)["pending"] or jobs_of(s)["running"] for s in servers):
        assert time.monotonic() < deadline, "timed out waiting for the runs to finish"
        time.sleep(0.3)


def test_one_run_per_node_per_tick_a_node_down_and_the_writer(nodes, tmp_path):
    a, b, w = nodes["a"], nodes["b"], nodes["w"]
    down = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "schedule.log"
    corpus = Corpus.generate(size=12, seed=7)
    with ReplicaServer(corpus, faults=Faults(latency=0.05)) as replica:
        def tick() -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "newscrawler.scheduler", "--once", "--log-file", str(log),
                 "--scrapyd", a.url, "--scrapyd", down, "--scrapyd", b.url, "--writer", w.url,
                 "--writer-spider", "rolling", "-a", f"base_url={replica.url}",
                 "-s", f"OUTPUT_DIR={tmp_path / 'site'}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"],
                cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ))

        first = tick()
        second = tick()  # at once: the runs of the first are pending or running
        jobs = {name: jobs_of(server) for name, server in nodes.items()}
        wait_idle(nodes.values())
        third = tick()  # reports the finished runs, node by node, and schedules a new run
        wait_idle(nodes.values())
    text = log.read_text()

    # The node that is down: one line when its outage starts, and the others scheduled all the same.
    assert first.returncode == 1 and second.returncode == 0 and third.returncode == 0, text
    [line] = first.stderr.splitlines()
    assert f"ERROR: {down}: Scrapyd: {down}/listjobs.json: " in line
    assert second.stderr == third.stderr == ""
    assert text.count(f"{down}: Scrapyd: ") == 3 and text.count(" (still; trying again next tick)") == 2

    # One run on each node at the first tick, none at the second, all in the run of the first tick.
    runs = re.findall(r"Scheduled job \w+ of \w+ in run (\S+)", text)
    assert len(runs) == 6 and len(set(runs[:3])) == 1 and runs[3:] == [runs[3]] * 3 and runs[3] > runs[0], text
    assert text.count(": Skip: job ") == 3
    state = json.loads((tmp_path / "schedule.log.state").read_text())["nodes"]
    for name, server in nodes.items():
        spider = "rolling" if name == "w" else "category"
        [job] = [j for s in ("pending", "running", "finished") for j in jobs[name][s]]
        assert job["spider"] == spider
        assert f"{server.url}: Scheduled job {job['id']} of {spider} in run {runs[0]}" in text
        assert f"{server.url}: Skip: job {job['id']} of {spider} is still " in text
        # Reported node by node, and kept by node (job ids are a node's own).
        assert f"{server.url}: Job {job['id']} of {spider} finished: " in text
        assert state[server.url] == {"reported": [job["id"]], "failing": {}, "scrapyd_error": None}
        assert f"'CLUSTER_RUN={runs[0]}'" in (server.home / "scrapyd.out").read_text()
    assert state[down]["reported"] is None and state[down]["scrapyd_error"].startswith(f"{down}/listjobs.json: ")
    assert list((tmp_path / "site" / "_posts").glob("*.md"))
