"""Workers and a writer on one Redis, as separate machines would run them:
each process in a working folder of its own, with its own OUTPUT_DIR."""

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis

from newscrawler.cluster.local import ENV, process_command
from newscrawler.cluster.localredis import LocalRedis
from newscrawler.cluster.run import new_run_id


def redis_missing() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server is not installed: apt-get install redis-server"
    return None


class Cluster:
    """`workers` crawl `base_url`; the writer writes `site`. Settings
    common to every process in `settings` (-s NAME=VALUE)."""

    def __init__(self, home: Path, redis_server: LocalRedis, base_url: str, **settings):
        self.home = home
        self.redis = redis_server
        self.base_url = base_url
        self.site = home / "site"
        self.settings = {"CLUSTER_IDLE_CLOSE": 2, "CLUSTER_HEARTBEAT_TTL": 3, "LOG_LEVEL": "INFO", **settings}
        self.procs: dict[str, subprocess.Popen] = {}
        self.run_id = new_run_id()
        self.round = 1

    def folder(self, name: str, round: int | None = None) -> Path:
        """The working folder of process `name` in this run (or `round`)."""
        return self.home / f"run{round or self.round}" / name

    def extra(self) -> list[str]:
        return [arg for name, value in self.settings.items() for arg in ("-s", f"{name}={value}")]

    def start(self, name: str, spider: str = "category") -> subprocess.Popen:
        folder = self.folder(name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "summary.json").unlink(missing_ok=True)
        output = self.site if spider == "writer" else folder / "output"  # writers share the site
        args = ["-a", f"base_url={self.base_url}"] if spider != "writer" else []
        cmd = process_command(spider, folder, output, self.redis.url, self.run_id, *args, *self.extra())
        proc = self.procs[name] = subprocess.Popen(cmd, cwd=folder, env=ENV, stdout=subprocess.DEVNULL,
                                                   stderr=open(folder / "stderr.txt", "w"))
        return proc

    def new_run(self, explicit: bool = True) -> None:
        """The processes started from now on are another run's (without
        `explicit`, they find out which run: the current one, or a new one)."""
        self.run_id = new_run_id() if explicit else None
        self.round += 1

    def wait(self, timeout: float = 240) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        codes = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = f"timeout: {self.log(name)[-3000:]}"
        self.procs = {}
        return codes

    def let_heartbeats_lapse(self) -> None:
        """Wait out CLUSTER_HEARTBEAT_TTL: the claims of processes that died
        are stale only then (a run started sooner skips them, and the run
        after it fetches them)."""
        time.sleep(float(self.settings["CLUSTER_HEARTBEAT_TTL"]) + 0.5)

    def kill(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(10)

    def log(self, name: str, round: int | None = None) -> str:
        folder = self.folder(name, round)
        parts = [p.read_text(encoding="utf-8", errors="replace") for p in (folder / "crawl.log", folder / "stderr.txt")
                 if p.exists()]
        return "\n".join(parts)

    def summary(self, name: str) -> dict:
        path = self.folder(name) / "summary.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    # What the site holds.
    def posts(self) -> list[Path]:
        return sorted((self.site / "_posts").glob("*.md"))

    def lines(self) -> list[dict]:
        path = self.site / "items.jsonl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []

    def done_codes(self) -> set[str]:
        from newscrawler.store.redis import RedisSeenStore
        store = RedisSeenStore(self.redis.url)
        try:
            return store.done_codes()
        finally:
            store.close()

    def wait_for_lines(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lines()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} JSON lines after {timeout}s")
            time.sleep(0.05)

    def stream_length(self) -> int:
        return redis.Redis.from_url(self.redis.url).xlen("newscrawler:items")
