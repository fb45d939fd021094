"""Deploy to a real Scrapyd, schedule with the scheduler, against a live replica."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import REPO_ROOT
from tests.scrapyd import ScrapydServer, deploy, scrapyd_missing
from tests.splash import free_port


@pytest.fixture
def scrapyd(tmp_path):
    if reason := scrapyd_missing():
        pytest.skip(reason)
    # As in a checkout: the project's scrapy.cfg one folder up.
    (tmp_path / "scrapy.cfg").write_text((REPO_ROOT / "scrapy.cfg").read_text())
    server = ScrapydServer(tmp_path / "scrapyd").start()
    yield server
    server.stop()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_deploy_and_scheduled_runs(scrapyd, tmp_path):
    deployed = deploy(scrapyd, tmp_path)
    assert deployed["status"] == "ok" and deployed["spiders"] == 4  # category, rolling, webapi, writer
    assert scrapyd.get("/listprojects.json")["projects"] == ["newscrawler"], "no stray project"
    output = tmp_path / "site"
    corpus = Corpus.generate(size=60, seed=121, live_rate=60)
    scheduler_log = tmp_path / "scheduler.log"
    with ReplicaServer(corpus, faults=Faults(latency=0.05)) as replica:
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "newscrawler.scheduler", "--scrapyd", scrapyd.url, "--spider", "category",
             "--every", "1", "-a", f"base_url={replica.url}", "-s", f"OUTPUT_DIR={output}",
             "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"],
            cwd=REPO_ROOT, stdout=open(scheduler_log, "wb"), stderr=subprocess.STDOUT, env=dict(os.environ),
        )
        try:
            def two_reported():
                text = scheduler_log.read_text()
                return text.count(" of category finished: ") >= 2 and text
            log = wait_for(two_reported, 240, "two finished runs reported by the scheduler")
        finally:
            scheduler.send_signal(signal.SIGTERM)
            assert scheduler.wait(timeout=60) == 0
        # A run the scheduler started before it stopped is left to finish.
        def all_finished():
            jobs = scrapyd.get("/listjobs.json?project=newscrawler")
            return jobs if not jobs["running"] and not jobs["pending"] else None

        jobs = wait_for(all_finished, 120, "the last run to finish")
    log = scheduler_log.read_text()
    finished = sorted(jobs["finished"], key=lambda j: j["start_time"])
    assert len(finished) >= 2
    first, second = finished[0], finished[1]

    # The scheduler said what it did, and skipped ticks while a run was going on.
    assert f"Scheduled job {first['id']} of category" in log
    assert f"Skip: job {first['id']} of category is still running" in log
    assert f"Scheduled job {second['id']} of category" in log
    assert "Signal 15: stopping" in log and "Stopped" in log

    # Logs and feeds are where Scrapyd says, and the outputs in OUTPUT_DIR.
    feeds = {}
    for job in finished:
        assert job["items_url"] and job["log_url"]
        assert "] INFO: Summary: " in scrapyd.get(job["log_url"])
        assert (scrapyd.home / job["log_url"].lstrip("/")).exists()
        feed = scrapyd.get(job["items_url"])
        feeds[job["id"]] = [json.loads(line)["info_code"] for line in feed.splitlines()]
    lines = (output / "items.jsonl").read_text(encoding="utf-8").splitlines()
    written = [json.loads(line)["info_code"] for line in lines]
    assert len(written) == len(set(written))
    assert written == feeds[first["id"]] + feeds[second["id"]] + [c for j in finished[2:] for c in feeds[j["id"]]]
    assert len(list((output / "_posts").glob("*.md"))) == len(written)

    # The second run wrote only what appeared in between: new live articles.
    assert feeds[second["id"]], "live mode added articles between the runs"
    assert all(corpus.records[code].live for code in feeds[second["id"]])
    assert {r.info_code for r in corpus.writable() if not r.live} <= set(feeds[first["id"]])


def schedule_once(scrapyd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newscrawler.scheduler", "--once", "--scrapyd", scrapyd.url, *args],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ))


def test_once_reports_a_failed_run_once(scrapyd, tmp_path):
    deploy(scrapyd, tmp_path)
    log = tmp_path / "schedule.log"
    args = ("--log-file", str(log), "-a", f"base_url=http://127.0.0.1:{free_port()}",
            "-s", f"OUTPUT_DIR={tmp_path / 'site'}", "-s", "RETRY_BACKOFF_BASE=0.01")

    def idle():
        jobs = scrapyd.get("/listjobs.json?project=newscrawler")
        return not jobs["running"] and not jobs["pending"] and jobs["finished"]

    ticks = []
    for _ in range(3):
        ticks.append(schedule_once(scrapyd, *args))
        wait_for(idle, 120, "the run to finish")
    # The first tick only schedules; the second reports the failed run, once;
    # the third sees the next run fail the same way: silence.
    assert [t.returncode for t in ticks] == [0, 1, 0], [t.stderr for t in ticks]
    assert ticks[0].stderr == "" and ticks[2].stderr == ""
    [line] = ticks[1].stderr.splitlines()
    assert " FAILED: 1 page(s) given up after retries" in line
    text = log.read_text()
    assert text.count(" FAILED: ") == 1 and text.count(" FAILED again: ") == 1
    assert text.count("Scheduled job ") == 3
    state = json.loads((tmp_path / "schedule.log.state").read_text())["nodes"][scrapyd.url]
    assert state["failing"]["category"].startswith("1 page(s) given up")
