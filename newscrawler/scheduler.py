"""Schedule a spider on Scrapyd every N seconds, never two runs at once.

    newscrawler-schedule --scrapyd http://127.0.0.1:6800 --spider category --every 300 \\
        -a base_url=http://source.example -s OUTPUT_DIR=/srv/site

Each tick asks Scrapyd (``listjobs.json``) whether a run of the spider is
pending or running: if so it skips the tick, else it schedules one
(``schedule.json``). Every decision is logged, and so is the outcome of each
run once it ends (read from the run's log: its summary line, or the health
check's "Run failed"). SIGTERM or Ctrl-C stop it between ticks; runs that
are going on are left to finish.

``--once`` makes one tick, for cron or a systemd timer. What it reported
is kept in a small state file (``--state``, default beside ``--log-file``),
so each finished run is reported once, and a failure that goes on (the
next runs fail the same way) is reported when it starts and when it ends,
not at every tick. With ``--log-file`` every line goes to that file and only
those news go to stderr: silent on success, one line on a failure. The exit
status is 1 when the tick reported a new failure (or Scrapyd stopped
answering), else 0.
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
from pathlib import Path

from newscrawler.files import atomic_write

logger = logging.getLogger("newscrawler.scheduler")
# A line that is news without being an error (a recovery): on stderr too.
NEWS = {"news": True}


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

    def text(self, path: str) -> str:
        return self._call(path).decode("utf-8", errors="replace")


def active_job(jobs: dict, spider: str) -> tuple[str, str] | None:
    """(state, job id) of a pending or running job of `spider`, or None."""
    for state in ("running", "pending"):
        for job in jobs.get(state, []):
            if job.get("spider") == spider:
                return state, job["id"]
    return None


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


class SchedulerState:
    """What was reported: the finished jobs (the last ``KEEP``), the failure
    going on, and Scrapyd not answering. In memory, or in a JSON file
    written whole."""

    KEEP = 1000

    def __init__(self, path: Path | None = None):
        self.path = path
        self.reported: set[str] | None = None
        self.failing: str | None = None
        self.scrapyd_error: str | None = None
        if path and path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
                self.reported = set(saved["reported"])
                self.failing, self.scrapyd_error = saved.get("failing"), saved.get("scrapyd_error")
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.warning("State %s cannot be read (%s): starting afresh", path, exc)

    def save(self) -> None:
        if not self.path or self.reported is None:
            return
        state = {"reported": sorted(self.reported)[-self.KEEP:], "failing": self.failing,
                 "scrapyd_error": self.scrapyd_error}
        try:
            atomic_write(self.path, json.dumps(state, indent=1).encode("utf-8"))
        except OSError as exc:
            logger.error("Could not save the state %s: %s", self.path, exc.strerror or exc)


class Scheduler:
    def __init__(self, client: ScrapydClient, project: str, spider: str, args: dict, settings: dict,
                 state: SchedulerState | None = None):
        self.client = client
        self.project, self.spider = project, spider
        self.args, self.settings = args, settings
        self.state = state or SchedulerState()
        self.new_failures = 0

    def tick(self) -> str:
        """One decision: "scheduled", "skipped" or "error"."""
        try:
            jobs = self.client.list_jobs(self.project)
            self.scrapyd_answers()
            self.report_finished(jobs)
            active = active_job(jobs, self.spider)
            if active:
                logger.info("Skip: job %s of %s is still %s", active[1], self.spider, active[0])
                return "skipped"
            job = self.client.schedule(self.project, self.spider, self.args, self.settings)
            logger.info("Scheduled job %s of %s", job, self.spider)
            return "scheduled"
        except (ScrapydError, ValueError, KeyError) as exc:
            if self.state.scrapyd_error is None:
                logger.error("Scrapyd: %s (trying again next tick)", exc)
                self.new_failures += 1
            else:
                logger.warning("Scrapyd: %s (still; trying again next tick)", exc)
            self.state.scrapyd_error = str(exc)
            return "error"
        finally:
            self.state.save()

    def scrapyd_answers(self) -> None:
        if self.state.scrapyd_error is not None:
            logger.warning("Scrapyd answers again (it did not: %s)", self.state.scrapyd_error, extra=NEWS)
            self.state.scrapyd_error = None

    def report_finished(self, jobs: dict) -> None:
        finished = [j for j in jobs.get("finished", []) if j.get("spider") == self.spider]
        if self.state.reported is None:  # runs that ended before we started are not ours to report
            self.state.reported = {j["id"] for j in finished}
            return
        for job in sorted(finished, key=lambda j: j.get("end_time") or ""):
            if job["id"] in self.state.reported:
                continue
            self.state.reported.add(job["id"])
            try:
                ok, detail = outcome(self.client.text(job["log_url"])) if job.get("log_url") else (False, "no log")
            except ScrapydError as exc:
                ok, detail = False, f"its log cannot be read: {exc}"
            self.report(job["id"], ok, detail)

    def report(self, job: str, ok: bool, detail: str) -> None:
        """A failure once when it starts, and once when it ends."""
        failing, self.state.failing = self.state.failing, None if ok else detail
        if ok:
            logger.info("Job %s of %s finished: %s", job, self.spider, detail)
            if failing is not None:
                logger.warning("Job %s of %s finished well again (the runs before failed: %s)", job, self.spider,
                               failing, extra=NEWS)
        elif same_failure(failing, detail):
            logger.warning("Job %s of %s FAILED again: %s", job, self.spider, detail)
        else:
            logger.error("Job %s of %s FAILED: %s", job, self.spider, detail)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawler-schedule", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scrapyd", default="http://127.0.0.1:6800", help="Scrapyd's URL")
    parser.add_argument("--project", default="newscrawler")
    parser.add_argument("--spider", default="category")
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
    state = opts.state or (opts.log_file.with_name(opts.log_file.name + ".state") if opts.log_file else None)
    if state is None and opts.once:
        state = Path("newscrawler-schedule.state")

    scheduler = Scheduler(ScrapydClient(opts.scrapyd), opts.project, opts.spider,
                          _pairs(opts.args, "-a"), _pairs(opts.settings, "-s"), SchedulerState(state))
    if opts.once:
        scheduler.tick()
        return 1 if scheduler.new_failures else 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: (logger.info("Signal %d: stopping", signum), stop.set()))
    logger.info("Scheduling %s on %s every %gs", opts.spider, opts.scrapyd, opts.every)
    scheduler.run(opts.every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
