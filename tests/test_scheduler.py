import json
import logging
import re
from datetime import datetime, timezone

import pytest

from newscrawler.scheduler import (Node, Scheduler, ScrapydError, SchedulerState, active_job, node_spiders, outcome,
                                   same_failure, tick_id)


@pytest.mark.parametrize(
    "jobs, expected",
    [
        ({"pending": [], "running": [], "finished": [{"id": "a", "spider": "category"}]}, None),
        ({"pending": [{"id": "p", "spider": "category"}], "running": []}, ("pending", "p")),
        ({"pending": [], "running": [{"id": "r", "spider": "category"}]}, ("running", "r")),
        ({"pending": [], "running": [{"id": "w", "spider": "webapi"}]}, None),
        ({}, None),
    ],
)
def test_active_job(jobs, expected):
    assert active_job(jobs, "category") == expected


@pytest.mark.parametrize(
    "log, ok, detail",
    [
        ("x\n2026 [newscrawler.extensions.summary] INFO: Summary: 3 posts written\n", True, "3 posts written"),
        ("2026 [h] ERROR: Run failed: 2 page(s) given up\n2026 [s] INFO: Summary: 0 posts", False, "2 page(s) given up"),
        ("2026 [scrapy] INFO: Spider opened\n", False, "the run ended without a summary (killed, or it failed to start)"),
        ("", False, "the run ended without a summary (killed, or it failed to start)"),
    ],
)
def test_outcome(log, ok, detail):
    assert outcome(log) == (ok, detail)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("6 of 9 articles dropped (over 20%)", "7 of 12 articles dropped (over 20%)", True),
        ("1 page(s) given up after retries", "category dzrb listed 20 articles before and none now", False),
        (None, "1 page(s) given up after retries", False),
    ],
)
def test_a_failure_that_goes_on_is_the_same_whatever_its_figures(a, b, same):
    assert same_failure(a, b) is same


class FakeScrapyd:
    """A ScrapydClient's calls on lists of jobs; `down` makes every call fail."""

    def __init__(self, url="http://node-a:6800"):
        self.url, self.down = url, False
        self.jobs = {"pending": [], "running": [], "finished": []}
        self.scheduled, self.cancelled, self.on_schedule = [], [], None

    def list_jobs(self, project):
        if self.down:
            raise ScrapydError(f"{self.url}/listjobs.json: <urlopen error [Errno 111] Connection refused>")
        return {state: list(jobs) for state, jobs in self.jobs.items()}

    def schedule(self, project, spider, args, settings):
        job = f"{spider}-{len(self.scheduled)}"
        self.scheduled.append((spider, dict(settings)))
        if self.on_schedule:  # someone else schedules one between our listjobs and schedule
            self.on_schedule()
        self.jobs["pending"].append({"id": job, "spider": spider})
        return job

    def cancel(self, project, job):
        self.cancelled.append(job)
        self.jobs["pending"] = [j for j in self.jobs["pending"] if j["id"] != job]


def scheduler(*clients, spiders=("category",), cluster=False, state=None):
    state = state or SchedulerState()
    nodes = [Node(c, list(spiders), state.node(c.url)) for c in clients]
    return Scheduler(nodes, "newscrawler", {"base_url": "http://x"}, {"OUTPUT_DIR": "/srv"}, state, cluster)


def test_each_node_gets_one_run_with_the_ticks_cluster_run():
    a, b = FakeScrapyd("http://a:6800"), FakeScrapyd("http://b:6800")
    b.jobs["running"].append({"id": "old", "spider": "category"})
    s = scheduler(a, b, cluster=True)
    assert s.tick() == {("http://a:6800", "category"): "scheduled", ("http://b:6800", "category"): "skipped"}
    [(spider, settings)] = a.scheduled
    assert re.fullmatch(r"\d{8}T\d{6}\.\d{3}Z", settings["CLUSTER_RUN"]) and settings["OUTPUT_DIR"] == "/srv"
    assert s.tick() == {("http://a:6800", "category"): "skipped", ("http://b:6800", "category"): "skipped"}
    alone = FakeScrapyd()
    scheduler(alone).tick()
    assert alone.scheduled == [("category", {"OUTPUT_DIR": "/srv"})], "one node, no --cluster: no CLUSTER_RUN"


def test_a_run_scheduled_meanwhile_by_someone_else_cancels_ours(caplog):
    a = FakeScrapyd()
    a.on_schedule = lambda: a.jobs["pending"].append({"id": "theirs", "spider": "category"})
    assert scheduler(a).tick() == {("http://node-a:6800", "category"): "cancelled"}
    assert a.cancelled == ["category-0"] and [j["id"] for j in a.jobs["pending"]] == ["theirs"]
    assert "Cancelled job category-0 of category: job theirs of it was scheduled meanwhile" in caplog.text


def test_a_node_down_is_reported_once_and_does_not_stop_the_others(caplog):
    a, b = FakeScrapyd("http://a:6800"), FakeScrapyd("http://b:6800")
    a.down = True
    s = scheduler(a, b)
    for _ in range(3):
        b.jobs["pending"].clear()
        assert s.tick()[("http://b:6800", "category")] == "scheduled"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["http://a:6800: Scrapyd: http://a:6800/listjobs.json: <urlopen error [Errno 111] Connection "
                      "refused> (trying again next tick)"] and s.new_failures == 1
    a.down = False
    s.tick()
    [again] = [r for r in caplog.records if "answers again" in r.getMessage()]
    assert again.getMessage().startswith("http://a:6800: Scrapyd answers again (it did not: http://a:6800/listjobs")
    assert getattr(again, "news", False) and a.scheduled


def test_finished_runs_are_reported_per_node_and_pruned_to_what_scrapyd_lists(tmp_path, caplog):
    a, b = FakeScrapyd("http://a:6800"), FakeScrapyd("http://b:6800")
    a.jobs["finished"] = [{"id": "before", "spider": "category"}]
    s = scheduler(a, b, state=SchedulerState(tmp_path / "state"))
    s.tick()
    for node in (a, b):  # the same job id on both nodes: two runs
        node.jobs["pending"].clear()
        node.jobs["finished"] = [{"id": "same", "spider": "category"}]
    s.tick()
    assert caplog.text.count("Job same of category FAILED: no log") == 2 and "before" not in caplog.text
    saved = json.loads((tmp_path / "state").read_text())["nodes"]
    assert saved["http://a:6800"]["reported"] == ["same"]
    assert saved["http://b:6800"]["failing"] == {"category": "no log"}


def test_a_state_file_of_the_one_scrapyd_scheduler_is_its_first_nodes(tmp_path):
    path = tmp_path / "state"
    path.write_text(json.dumps({"reported": ["j1"], "failing": "1 page(s) given up", "scrapyd_error": None}))
    state = SchedulerState(path, legacy=("http://a:6800", "category"))
    assert state.node("http://a:6800").dump() == {"reported": ["j1"], "failing": {"category": "1 page(s) given up"},
                                                  "scrapyd_error": None}
    assert state.node("http://b:6800").reported is None


def test_nodes_and_their_spiders():
    assert node_spiders(["http://a/", "http://b", "http://a"], "category", "http://b", "writer") == {
        "http://a": ["category"], "http://b": ["category", "writer"]}
    assert tick_id(datetime(2026, 11, 26, 2, 13, 15, 123456, tzinfo=timezone.utc)) == "20261126T021315.123Z"
