"""Schedule a spider on Scrapyd every N seconds, never two runs at once.

    newscrawler-schedule --scrapyd http://127.0.0.1:6800 --spider category --every 300 \\
        -a base_url=http://source.example -s OUTPUT_DIR=/srv/site

Each tick asks Scrapyd (``listjobs.json``) whether a run of the spider is
pending or running: if so it skips the tick, else it schedules one
(``schedule.json``). Every decision is logged, and so is the outcome of each
run once it ends (read from the run's log: its summary line, or the health
check's "Run failed"). SIGTERM or Ctrl-C stop it between ticks; runs that
are going on are left to finish. ``--once`` makes one tick, for cron.
"""

import argparse
import json
import logging
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

logger = logging.getLogger("newscrawler.scheduler")


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


class Scheduler:
    def __init__(self, client: ScrapydClient, project: str, spider: str, args: dict, settings: dict):
        self.client = client
        self.project, self.spider = project, spider
        self.args, self.settings = args, settings
        self.reported: set[str] | None = None

    def tick(self) -> str:
        """One decision: "scheduled", "skipped" or "error"."""
        try:
            jobs = self.client.list_jobs(self.project)
            self.report_finished(jobs)
            active = active_job(jobs, self.spider)
            if active:
                logger.info("Skip: job %s of %s is still %s", active[1], self.spider, active[0])
                return "skipped"
            job = self.client.schedule(self.project, self.spider, self.args, self.settings)
            logger.info("Scheduled job %s of %s", job, self.spider)
            return "scheduled"
        except (ScrapydError, ValueError, KeyError) as exc:
            logger.error("Scrapyd: %s (trying again next tick)", exc)
            return "error"

    def report_finished(self, jobs: dict) -> None:
        finished = [j for j in jobs.get("finished", []) if j.get("spider") == self.spider]
        if self.reported is None:  # runs that ended before we started are not ours to report
            self.reported = {j["id"] for j in finished}
            return
        for job in finished:
            if job["id"] in self.reported:
                continue
            self.reported.add(job["id"])
            try:
                ok, detail = outcome(self.client.text(job["log_url"])) if job.get("log_url") else (False, "no log")
            except ScrapydError as exc:
                ok, detail = False, f"its log cannot be read: {exc}"
            if ok:
                logger.info("Job %s of %s finished: %s", job["id"], self.spider, detail)
            else:
                logger.error("Job %s of %s FAILED: %s", job["id"], self.spider, detail)

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="newscrawler-schedule", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scrapyd", default="http://127.0.0.1:6800", help="Scrapyd's URL")
    parser.add_argument("--project", default="newscrawler")
    parser.add_argument("--spider", default="category")
    parser.add_argument("--every", type=float, default=300, help="seconds between ticks (default 300)")
    parser.add_argument("--once", action="store_true", help="one tick, then exit (for cron)")
    parser.add_argument("-a", dest="args", action="append", default=[], metavar="NAME=VALUE", help="spider argument")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="setting")
    opts = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")

    scheduler = Scheduler(ScrapydClient(opts.scrapyd), opts.project, opts.spider,
                          _pairs(opts.args, "-a"), _pairs(opts.settings, "-s"))
    if opts.once:
        scheduler.reported = set()
        return 1 if scheduler.tick() == "error" else 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: (logger.info("Signal %d: stopping", signum), stop.set()))
    logger.info("Scheduling %s on %s every %gs", opts.spider, opts.scrapyd, opts.every)
    scheduler.run(opts.every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
