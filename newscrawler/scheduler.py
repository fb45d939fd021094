"""Schedule a spider on one or several Scrapyd nodes every N seconds, never
two runs of it at once on a node.

    newscrawler-schedule --scrapyd http://10.0.0.1:6800 --scrapyd http://10.0.0.2:6800 \\
        --spider category --every 300 -a base_url=http://source.example -s OUTPUT_DIR=/srv/site \\
        [--writer http://10.0.0.3:6800 [--writer-spider writer]]

Each tick asks each Scrapyd (``listjobs.json``) whether a run of the spider
is pending or running there: if so that node is skipped, else a run is
scheduled there (``schedule.json``). Every decision is logged, with the
node's URL, and so is the outcome of each run once it ends (read from the
run's log: its summary line, or the health check's "Run failed"). SIGTERM
or Ctrl-C stop it between ticks; runs that are going on are left to finish.
One ``--scrapyd`` (default http://127.0.0.1:6800) is one node.

Clusters: crawl workers on several nodes share one Redis queue, per run.
Every run scheduled in one tick gets ``-s CLUSTER_RUN=<tick id>``, the
tick's UTC time (``20261126T021315.123Z``: sortable, one per tick), so the
workers a tick starts join one run. It is set when there is more than one
``--scrapyd``, or a ``--writer``, or ``--cluster`` (a cluster of one node,
which may grow); one Scrapyd alone gets no CLUSTER_RUN, as before. A node
still busy with an older run at a tick is left alone: it stays in that run
(its queue and filter) and joins the run of the first tick after its own
ended. So a run may have fewer workers than there are nodes, and two runs
may overlap for a while; they do not share a filter, and only the store
keeps an article from being written twice.

``--writer URL``: a Scrapyd that must always have one run of the writer
spider (``--writer-spider``, default ``writer``) pending or running; each
tick schedules one there if it has none, with the same arguments, settings
and CLUSTER_RUN (the writer's run keeps the CLUSTER_RUN of the tick that
started it). It may be one of the ``--scrapyd`` nodes too.

Races: within one Scrapyd, ``listjobs.json`` is consistent (a job goes from
pending to running, and from running to finished, in one step of its
reactor), so a run that ends between our ``listjobs`` and ``schedule`` only
makes the node wait for the next tick. But someone else (a second
scheduler, a hand ``schedule.json``) may schedule the spider between the
two calls. So the jobs are listed again after scheduling: if another run of
the spider is active there, ours is cancelled (``cancel.json``). Two
schedulers racing may both cancel theirs: a tick lost, never two runs. A
``schedule.json`` that timed out may have queued its run: it is not retried
within the tick, and the next tick sees it.

A node that does not answer (or answers an error: the project not deployed)
is one ERROR line when the outage starts, a WARNING at each tick while it
goes on, and one line when it answers again; the other nodes are scheduled
all the same.

``--once`` makes one tick, for cron or a systemd timer. What it reported
is kept in a small state file (``--state``, default beside ``--log-file``),
per node (job ids are a node's own): so each finished run is reported once,
and a failure that goes on (the next runs on that node fail the same way)
is reported when it starts and when it ends, not at every tick. With
``--log-file`` every line goes to that file and only those news go to
stderr: silent on success, one line on a failure. The exit status is 1 when
the tick reported a new failure (or a node stopped answering), else 0.
"""

import argparse
import json
import logging
import re
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from newscrawler.files import atomic_write, read_regular

logger = logging.getLogger("newscrawler.scheduler")
# A line that is news without being an error (a recovery): on stderr too.
NEWS = {"news": True}
DEFAULT_SCRAPYD = "http://127.0.0.1:6800"


class ScrapydError(RuntimeError):
    pass


class ScrapydClient:
    def __init__(self, url: str, timeout: float = 30):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, path: str, data: list[tuple[str, str]] | None = None) -> bytes:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with urllib.request.urlopen(self.url + path, data=body, timeout=self.timeout) as answer:
                return answer.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ScrapydError(f"{self.url}{path.split('?')[0]}: {exc}") from None

    def _json(self, path: str, data=None) -> dict:
        answer = json.loads(self._call(path, data))
        if answer.get("status") != "ok":
            raise ScrapydError(f"{path.split('?')[0]}: {answer.get('message', answer)}")
        return answer

    def list_jobs(self, project: str) -> dict:
        return self._json("/listjobs.json?" + urllib.parse.urlencode({"project": project}))

    def schedule(self, project: str, spider: str, args: dict, settings: dict) -> str:
        data = [("project", project), ("spider", spider)]
        data += [("setting", f"{k}={v}") for k, v in settings.items()]
        data += list(args.items())
        return self._json("/schedule.json", data)["jobid"]

    def cancel(self, project: str, job: str) -> None:
        self._json("/cancel.json", [("project", project), ("job", job)])

    def text(self, path: str) -> str:
        return self._call(path).decode("utf-8", errors="replace")


def active_jobs(jobs: dict, spider: str) -> list[tuple[str, str]]:
    """(state, job id) of the running, then pending, jobs of `spider`."""
    return [(state, job["id"]) for state in ("running", "pending")
            for job in jobs.get(state, []) if job.get("spider") == spider]


def active_job(jobs: dict, spider: str) -> tuple[str, str] | None:
    """(state, job id) of a pending or running job of `spider`, or None."""
    return next(iter(active_jobs(jobs, spider)), None)


def outcome(log: str) -> tuple[bool, str]:
    """Whether a run went well, judged from its log, and why."""
    failed = [line.split("Run failed: ", 1)[1] for line in log.splitlines() if "Run failed: " in line]
    if failed:
        return False, failed[-1]
    summary = [line.split("Summary: ", 1)[1] for line in log.splitlines() if "] INFO: Summary: " in line]
    if not summary:
        return False, "the run ended without a summary (killed, or it failed to start)"
    return True, summary[-1]


def same_failure(a: str | None, b: str | None) -> bool:
    """Whether two failures are one going on: the same words, whatever the figures."""
    return a is not None and b is not None and re.sub(r"\d+", "N", a) == re.sub(r"\d+", "N", b)


def tick_id(now: datetime | None = None) -> str:
    """A tick's CLUSTER_RUN: its UTC time to the millisecond, sortable."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S.") + f"{now.microsecond // 1000:03d}Z"


class NodeState:
    """What was reported about one Scrapyd: the finished jobs it lists that
    were seen (None before it first answered), the failure going on per
    spider, and its outage."""

    def __init__(self, saved: dict | None = None):
        saved = saved or {}
        reported = saved.get("reported")
        self.reported: set[str] | None = set(reported) if reported is not None else None
        self.failing: dict[str, str] = dict(saved.get("failing") or {})
        self.error: str | None = saved.get("scrapyd_error")

    def dump(self) -> dict:
        return {"reported": sorted(self.reported) if self.reported is not None else None,
                "failing": self.failing, "scrapyd_error": self.error}


class SchedulerState:
    """The NodeState of each node by URL, in memory or in a JSON file
    written whole. A file of the one-Scrapyd scheduler (``reported``,
    ``failing`` at the top) is read as the state of ``legacy`` = (URL,
    spider), the node and spider it was about."""

    def __init__(self, path: Path | None = None, legacy: tuple[str, str] | None = None):
        self.path = path
        self.nodes: dict[str, NodeState] = {}
        if not (path and path.exists()):
            return
        try:
            saved = json.loads(read_regular(path, 16 * 1024 * 1024).decode("utf-8"))
            if "nodes" in saved:
                self.nodes = {url: NodeState(node) for url, node in saved["nodes"].items()}
            elif legacy:
                failing = {legacy[1]: saved["failing"]} if saved.get("failing") else {}
                self.nodes[legacy[0]] = NodeState(dict(saved, failing=failing))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.warning("State %s cannot be read (%s): starting afresh", path, exc)
            self.nodes = {}

    def node(self, url: str) -> NodeState:
        return self.nodes.setdefault(url, NodeState())

    def save(self) -> None:
        if not self.path:
            return
        state = {"nodes": {url: node.dump() for url, node in self.nodes.items()}}
        try:
            atomic_write(self.path, json.dumps(state, indent=1).encode("utf-8"))
        except OSError as exc:
            logger.error("Could not save the state %s: %s", self.path, exc.strerror or exc)


class Node:
    """One Scrapyd, the spiders it must keep one run of, and what was reported about it."""

    def __init__(self, client: ScrapydClient, spiders: list[str], state: NodeState):
        self.client, self.url, self.spiders, self.state = client, client.url, spiders, state

    def log(self, level: int, msg: str, *args, news: bool = False) -> None:
        logger.log(level, "%s: " + msg, self.url, *args, extra=NEWS if news else None)


class Scheduler:
    def __init__(self, nodes: list[Node], project: str, args: dict, settings: dict,
                 state: SchedulerState | None = None, cluster: bool = False):
        self.nodes, self.project = nodes, project
        self.args, self.settings, self.cluster = args, settings, cluster
        self.state = state or SchedulerState()
        self.new_failures = 0

    def tick(self) -> dict[tuple[str, str], str]:
        """One decision per (node URL, spider): "scheduled", "skipped",
        "cancelled" (see Races) or "error"."""
        run = tick_id() if self.cluster else None
        settings = dict(self.settings, CLUSTER_RUN=run) if run else self.settings
        decisions = {}
        try:
            for node in self.nodes:
                for spider in node.spiders:
                    decisions[node.url, spider] = "error"
                try:
                    jobs = node.client.list_jobs(self.project)
                    self.answers(node)
                    self.report_finished(node, jobs)
                    for spider in node.spiders:
                        decisions[node.url, spider] = self.keep_one(node, spider, jobs, settings, run)
                except (ScrapydError, ValueError, KeyError) as exc:
                    self.does_not_answer(node, exc)
        finally:
            self.state.save()
        return decisions

    def keep_one(self, node: Node, spider: str, jobs: dict, settings: dict, run: str | None) -> str:
        active = active_job(jobs, spider)
        if active:
            node.log(logging.INFO, "Skip: job %s of %s is still %s", active[1], spider, active[0])
            return "skipped"
        job = node.client.schedule(self.project, spider, self.args, settings)
        node.log(logging.INFO, "Scheduled job %s of %s%s", job, spider, f" in run {run}" if run else "")
        others = [a for a in active_jobs(node.client.list_jobs(self.project), spider) if a[1] != job]
        if others:  # scheduled by someone else between our listjobs and schedule
            node.client.cancel(self.project, job)
            node.log(logging.WARNING, "Cancelled job %s of %s: job %s of it was scheduled meanwhile, and is %s",
                     job, spider, others[0][1], others[0][0])
            return "cancelled"
        return "scheduled"

    def does_not_answer(self, node: Node, exc: Exception) -> None:
        if node.state.error is None:
            node.log(logging.ERROR, "Scrapyd: %s (trying again next tick)", exc)
            self.new_failures += 1
        else:
            node.log(logging.WARNING, "Scrapyd: %s (still; trying again next tick)", exc)
        node.state.error = str(exc)

    def answers(self, node: Node) -> None:
        if node.state.error is not None:
            node.log(logging.WARNING, "Scrapyd answers again (it did not: %s)", node.state.error, news=True)
            node.state.error = None

    def report_finished(self, node: Node, jobs: dict) -> None:
        finished = jobs.get("finished", [])
        seen, node.state.reported = node.state.reported, {j["id"] for j in finished}
        if seen is None:  # runs that ended before we first saw the node are not ours to report
            return
        # What Scrapyd no longer lists never comes back: `reported` is what it lists.
        new = [j for j in finished if j["id"] not in seen and j.get("spider") in node.spiders]
        for job in sorted(new, key=lambda j: j.get("end_time") or ""):
            try:
                ok, detail = outcome(node.client.text(job["log_url"])) if job.get("log_url") else (False, "no log")
            except ScrapydError as exc:
                ok, detail = False, f"its log cannot be read: {exc}"
            self.report(node, job["spider"], job["id"], ok, detail)

    def report(self, node: Node, spider: str, job: str, ok: bool, detail: str) -> None:
        """A failure once when it starts, and once when it ends (per node and spider)."""
        failing = node.state.failing.pop(spider, None)
        if not ok:
            node.state.failing[spider] = detail
        if ok:
            node.log(logging.INFO, "Job %s of %s finished: %s", job, spider, detail)
            if failing is not None:
                node.log(logging.WARNING, "Job %s of %s finished well again (the runs before failed: %s)",
                         job, spider, failing, news=True)
        elif same_failure(failing, detail):
            node.log(logging.WARNING, "Job %s of %s FAILED again: %s", job, spider, detail)
        else:
            node.log(logging.ERROR, "Job %s of %s FAILED: %s", job, spider, detail)
            self.new_failures += 1

    def run(self, every: float, stop: threading.Event) -> None:
        while not stop.is_set():
            self.tick()
            stop.wait(every)
        logger.info("Stopped; runs going on are left to finish")


def _pairs(values: list[str], flag: str) -> dict:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise SystemExit(f"{flag} takes NAME=VALUE, not {value!r}")
        pairs[key] = val
    return pairs


def configure_logging(log_file: Path | None) -> None:
    form = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    handlers = [logging.StreamHandler()]
    if log_file:
        # News only: cron mails what a tick prints.
        handlers[0].addFilter(lambda record: record.levelno >= logging.ERROR or getattr(record, "news", False))
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(form)
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def node_spiders(scrapyds: list[str], spider: str, writer: str | None, writer_spider: str) -> dict[str, list[str]]:
    """The spiders each node URL keeps one run of, in the order given."""
    spiders: dict[str, list[str]] = {}
    for url, name in [(url, spider) for url in scrapyds] + ([(writer, writer_spider)] if writer else []):
        names = spiders.setdefault(url.rstrip("/"), [])
        if name not in names:
            names.append(name)
    return spiders


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawler-schedule", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scrapyd", action="append", metavar="URL",
                        help=f"a Scrapyd node's URL; repeat for several (default {DEFAULT_SCRAPYD})")
    parser.add_argument("--project", default="newscrawler")
    parser.add_argument("--spider", default="category")
    parser.add_argument("--cluster", action="store_true", help="give the runs -s CLUSTER_RUN=<tick id> even with "
                        "one node (implied by several --scrapyd or a --writer)")
    parser.add_argument("--writer", metavar="URL", help="a Scrapyd that always has one run of the writer spider")
    parser.add_argument("--writer-spider", default="writer", help="the writer spider's name (default writer)")
    parser.add_argument("--every", type=float, default=300, help="seconds between ticks (default 300)")
    parser.add_argument("--once", action="store_true", help="one tick, then exit (for cron): exit status 1 when "
                        "it reported a new failure")
    parser.add_argument("--log-file", type=Path, help="log every line here; stderr gets only new failures and "
                        "recoveries")
    parser.add_argument("--state", type=Path, help="what was reported (default: LOG_FILE.state beside the log "
                        "file; without one, in memory, or newscrawler-schedule.state with --once)")
    parser.add_argument("-a", dest="args", action="append", default=[], metavar="NAME=VALUE", help="spider argument")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="setting")
    opts = parser.parse_args(argv)
    try:
        configure_logging(opts.log_file)
    except OSError as exc:
        parser.error(f"cannot write the log file {opts.log_file}: {exc.strerror or exc}")
    state_path = opts.state or (opts.log_file.with_name(opts.log_file.name + ".state") if opts.log_file else None)
    if state_path is None and opts.once:
        state_path = Path("newscrawler-schedule.state")

    scrapyds = opts.scrapyd or [DEFAULT_SCRAPYD]
    spiders = node_spiders(scrapyds, opts.spider, opts.writer, opts.writer_spider)
    state = SchedulerState(state_path, legacy=(scrapyds[0].rstrip("/"), opts.spider))
    nodes = [Node(ScrapydClient(url), names, state.node(url)) for url, names in spiders.items()]
    cluster = opts.cluster or bool(opts.writer) or len({url.rstrip("/") for url in scrapyds}) > 1
    scheduler = Scheduler(nodes, opts.project, _pairs(opts.args, "-a"), _pairs(opts.settings, "-s"), state, cluster)
    if opts.once:
        scheduler.tick()
        return 1 if scheduler.new_failures else 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: (logger.info("Signal %d: stopping", signum), stop.set()))
    for node in nodes:
        logger.info("Scheduling %s on %s every %gs", ", ".join(node.spiders), node.url, opts.every)
    scheduler.run(opts.every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
