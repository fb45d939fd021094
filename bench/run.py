"""`make bench`: measure the crawler against the old scripts' baseline and
the replica's fetch limit, in one run, on this machine; print a table with
ratios and save it as JSON.

    python -m bench.run [--size 10000] [--latency-size 1000] [--steady-size 3000]
                        [--memory-sizes 10000,100000] [--out bench/results/latest.json] [--no-splash]

Steady state (the "steady art/s" column). A crawl behind 50 ms spends
~1.3 s starting (imports, opening the store) before its first article, and
a worker of a cluster waits CLUSTER_IDLE_CLOSE seconds after its last: on
1,000 articles that is a third of the wall time. So the crawler's 50 ms
rows crawl a larger corpus (--steady-size; the sequential baseline stays on
--latency-size, its rate is linear in the size), and the bench watches the
crawl's items.jsonl from outside (every 50 ms it counts the lines added):
the steady rate is the lines written between the first and the last seen,
divided by the time between them. Start-up, the idle wait before leaving
and the end of the process are out of it; "s" and "art/s" stay the whole
wall time, start to exit.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from tests.splash import SplashServer, splash_missing

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# The same politeness for every crawl of the bench, loopback or remote.
CRAWL_SETTINGS = {
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "DOWNLOAD_DELAY": "0",
    "LOG_LEVEL": "WARNING",
}
SENTENCES = "30-50"  # ~5 KB articles
FLOOR = "Scrapy floor: bare spider, same pages, no work (not ours)"
_HALF = int(CRAWL_SETTINGS["CONCURRENT_REQUESTS"]) // 2
TWO = f"newscrawler, 2 processes (shards, {_HALF} connections each), loopback"
TWO_SLOW = f"newscrawler, 2 processes (shards, {_HALF} connections each), 50 ms"
ONE_SLOW = "newscrawler, 1 process, 50 ms latency"
WORKERS = (1, 2, 4)
# Short, so that the wall time of a cluster row is not mostly waiting to
# leave (the default is 10 s); out of the steady rate either way.
BENCH_IDLE_CLOSE = "2"


def workers_row(n: int) -> str:
    return (f"newscrawler, {n} worker{'s' if n > 1 else ''} on one Redis "
            f"({int(CRAWL_SETTINGS['CONCURRENT_REQUESTS']) // n} connections{' each' if n > 1 else ''}), 50 ms")


class Timeline(threading.Thread):
    """Counts, every `every` seconds, the lines a crawl has added to a file
    (its items.jsonl: one line per article, written with one write each),
    with the time it saw them; `sample()` may add a reading of its own
    (Redis's counters) to each change."""

    def __init__(self, path: Path, every: float = 0.05, sample=None):
        super().__init__(name="bench-timeline", daemon=True)
        self.path, self.every, self.sample = path, every, sample
        self.samples: list[tuple] = []  # (perf_counter, lines so far, sample() or None)
        self._halt = threading.Event()
        self._offset = self._lines = 0

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return
        self._offset += len(data)
        if new := data.count(b"\n"):
            self._lines += new
            self.samples.append((time.perf_counter(), self._lines, self.sample() if self.sample else None))

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.poll()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.poll()

    def steady(self) -> dict | None:
        """Articles per second between the first lines seen and the last."""
        if len(self.samples) < 2 or self.samples[-1][0] <= self.samples[0][0]:
            return None
        (t0, n0, _), (t1, n1, _) = self.samples[0], self.samples[-1]
        return {"articles": n1 - n0, "seconds": t1 - t0, "per_s": (n1 - n0) / (t1 - t0), "first_at": t0}


def measured(cmds: list[list[str]], cwds: list[Path] | None = None, watch: Timeline | None = None,
             **popen) -> dict:
    """Run the commands at once; wall seconds, CPU and peak RSS of each.
    With `watch`, the timeline runs while they do (`steady` in the result)."""
    started = time.perf_counter()
    if watch:
        watch.start()
    procs = [subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, **popen)
             for cmd, cwd in zip(cmds, cwds or [ROOT] * len(cmds))]
    results: list[dict | None] = [None] * len(procs)
    while None in results:
        for i, proc in enumerate(procs):
            if results[i] is not None:
                continue
            # Polled, not waited in turn: each one's exit time is its own.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if len(procs) > 1 else 0)
            if pid == 0:
                continue
            proc.returncode = os.waitstatus_to_exitcode(status)
            results[i] = {"cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                          "stdout": proc.stdout.read().decode(), "returncode": proc.returncode,
                          "exit_s": round(time.perf_counter() - started, 2)}
        if None in results:
            time.sleep(0.02)
    wall = time.perf_counter() - started
    result = {"seconds": wall, "cpu_s": sum(r["cpu_s"] for r in results),
              "rss_mb": max(r["rss_mb"] for r in results), "runs": results}
    if watch:
        watch.stop()
        if steady := watch.steady():
            result["steady"] = {**steady, "startup_s": steady.pop("first_at") - started}
            result["watch_samples"] = watch.samples
    return result


class Replica:
    def __init__(self, size: int, latency: float = 0.0, seed: int = 7):
        cmd = [PY, "-m", "newscrawler.replica", "--port", "0", "--size", str(size), "--seed", str(seed),
               "--sentences", SENTENCES, "--latency", str(latency)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        self.url = line.split(" at ", 1)[1].strip()

    def add(self, count: int) -> None:
        urllib.request.urlopen(f"{self.url}/_replica/add?count={count}", timeout=30).read()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def crawl_cmd(url: str, out: Path, summary: Path, *args: str, settings: dict | None = None) -> list[str]:
    cmd = [PY, "-m", "scrapy", "crawl", "category", "-a", f"base_url={url}", "-s", f"OUTPUT_DIR={out}",
           "-s", f"RUN_SUMMARY_FILE={summary}", "-s", f"LOG_FILE={summary.with_suffix('.log')}", *args]
    for key, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def shared_politeness(shards: int) -> dict:
    """Each of `shards` processes gets its share of the connections: the
    source sees as many at once as from one process."""
    return {key: str(int(CRAWL_SETTINGS[key]) // shards)
            for key in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN")}


def crawl(url: str, out: Path, *args: str, settings: dict | None = None, shards: int = 1,
          watch: bool = False) -> dict:
    summaries = [out.parent / f"{out.name}-summary-{i}.json" for i in range(shards)]
    if shards == 1:
        cmds = [crawl_cmd(url, out, summaries[0], *args, settings=settings)]
    else:
        settings = {**shared_politeness(shards), **(settings or {})}
        cmds = [crawl_cmd(url, out, summaries[i], "-a", f"shard={i}/{shards}", *args, settings=settings)
                for i in range(shards)]
    result = measured(cmds, env=dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawler.settings"),
                      watch=Timeline(out / "items.jsonl") if watch else None)
    for summary, run_ in zip(summaries, result["runs"]):
        if not summary.exists():
            log = summary.with_suffix(".log")
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"bench: a crawl exited {run_['returncode']} without a summary; its log ends:\n{tail}")
    loaded = [json.loads(p.read_text()) for p in summaries]
    result["articles"] = sum(s["written"] for s in loaded)
    result["requests"] = sum(s["requests"] for s in loaded)
    result["article_requests"] = sum(s["article_requests"] for s in loaded)
    return result


class RedisCounters:
    """What one Redis did: commands executed, reads of client sockets
    (~ round trips: a pipeline or a MULTI/EXEC arrives in one read), CPU."""

    def __init__(self, url: str):
        import redis
        self.client = redis.Redis.from_url(url)
        self.calls = 0  # INFO commands of ours, each counted by Redis too

    def stats(self) -> tuple[int, int]:
        info = self.client.info("stats")
        self.calls += 1
        return info["total_commands_processed"], info["total_reads_processed"]

    def snapshot(self) -> dict:
        commands, reads = self.stats()
        cpu = self.client.info("cpu")
        by_command = {name.removeprefix("cmdstat_"): v["calls"]
                      for name, v in self.client.info("commandstats").items()}
        self.calls += 2
        return {"commands": commands, "reads": reads, "calls": self.calls,
                "cpu_s": cpu["used_cpu_user"] + cpu["used_cpu_sys"], "by_command": by_command}

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        # Our own INFO commands between the two snapshots are not the crawl's.
        ours = after["calls"] - before["calls"]
        by_command = {name: calls - before["by_command"].get(name, 0) for name, calls in after["by_command"].items()}
        by_command["info"] = by_command.get("info", 0) - ours
        return {"commands": after["commands"] - before["commands"] - ours,
                "reads": after["reads"] - before["reads"] - ours,
                "cpu_s": after["cpu_s"] - before["cpu_s"],
                "by_command": dict(sorted(((k, v) for k, v in by_command.items() if v > 0),
                                          key=lambda kv: -kv[1]))}


def cluster_crawl(url: str, home: Path, workers: int) -> dict:
    """`workers` crawl workers and the writer (`scrapy crawl writer`) on a
    Redis of their own, each process in a folder of its own as on separate
    machines (as `make cluster` starts them), the connections shared out:
    as polite as one process. Counts what Redis did in the whole row and
    between the first article written and the last."""
    from newscrawler.cluster.local import ENV, process_command
    from newscrawler.cluster.localredis import LocalRedis
    from newscrawler.cluster.run import new_run_id

    site = home / "site"
    settings = {**CRAWL_SETTINGS, **shared_politeness(workers), "CLUSTER_IDLE_CLOSE": BENCH_IDLE_CLOSE}
    extra = [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]
    with LocalRedis(home / "redis") as server:
        run_id = new_run_id()
        names = ["writer", *(f"worker-{n}" for n in range(1, workers + 1))]
        folders = [home / name for name in names]
        cmds = []
        for name, folder in zip(names, folders):
            folder.mkdir(parents=True, exist_ok=True)
            if name == "writer":
                cmds.append(process_command("writer", folder, site, server.url, run_id, *extra))
            else:
                cmds.append(process_command("category", folder, folder / "output", server.url, run_id,
                                            "-a", f"base_url={url}", *extra))
        counters = RedisCounters(server.url)
        before = counters.snapshot()
        result = measured(cmds, cwds=folders, watch=Timeline(site / "items.jsonl", sample=counters.stats), env=ENV)
        after = counters.snapshot()
    for name, folder, run_ in zip(names, folders, result["runs"]):
        if run_["returncode"] != 0 or not (folder / "summary.json").exists():
            log = folder / "crawl.log"
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
            raise SystemExit(f"bench: {name} of the {workers}-worker row exited {run_['returncode']}; "
                             f"its log ends:\n{tail}")
    loaded = {name: json.loads((folder / "summary.json").read_text()) for name, folder in zip(names, folders)}
    whole = RedisCounters.delta(before, after)
    result["cpu_s"] += whole["cpu_s"]  # Redis's CPU is the row's too
    result["articles"] = loaded["writer"]["written"]
    result["requests"] = sum(s["requests"] for name, s in loaded.items() if name != "writer")
    result["article_requests"] = sum(s["article_requests"] for name, s in loaded.items() if name != "writer")
    result["handed_off"] = {name: s["handed_off"] for name, s in loaded.items() if name != "writer"}
    result["redis"] = {"whole": whole}
    samples = result.get("steady") and result["watch_samples"]
    if samples:
        (_, n0, (c0, r0)), (_, n1, (c1, r1)) = samples[0], samples[-1]
        ours = len(samples) - 1  # the INFO of each sample after the first
        result["redis"]["steady"] = {"articles": n1 - n0, "commands": c1 - c0 - ours, "reads": r1 - r0 - ours}
    return result


def baseline(url: str, out: Path) -> dict:
    result = measured([[PY, "bench/baseline_requests_script.py", url, str(out)]])
    counts = json.loads(result["runs"][0]["stdout"])
    return {**result, **counts}


def scrapy_floor(url: str) -> dict:
    result = measured([[PY, "-m", "bench.scrapy_floor", url, CRAWL_SETTINGS["CONCURRENT_REQUESTS"]]])
    counts = json.loads(result["runs"][0]["stdout"].splitlines()[-1])
    return {**result, **counts}


def row(name: str, result: dict) -> dict:
    articles = result.get("articles", 0)
    return {
        "name": name,
        "articles": articles,
        "seconds": round(result["seconds"], 2),
        "articles_per_s": round(articles / result["seconds"], 1) if result["seconds"] else 0,
        "cpu_ms_per_article": round(1000 * result["cpu_s"] / articles, 2) if articles else None,
        "peak_rss_mb": round(result["rss_mb"], 1),
        "requests": result.get("requests"),
        **steady_fields(result),
        **redis_fields(result),
    }


def redis_fields(result: dict) -> dict:
    if "redis" not in result:
        return {}
    whole, steady = result["redis"]["whole"], result["redis"].get("steady")
    fields = {"redis_commands_per_article": round(whole["commands"] / max(1, result["articles"]), 1),
              "redis_reads_per_article": round(whole["reads"] / max(1, result["articles"]), 1),
              "redis_cpu_s": round(whole["cpu_s"], 2),
              "redis_commands": dict(list(whole["by_command"].items())[:12]),
              "handed_off": result["handed_off"]}
    if steady and steady["articles"]:
        fields["steady_redis_commands_per_article"] = round(steady["commands"] / steady["articles"], 1)
        fields["steady_redis_reads_per_article"] = round(steady["reads"] / steady["articles"], 1)
    return fields


def steady_fields(result: dict) -> dict:
    steady = result.get("steady")
    if not steady:
        return {}
    return {"steady_articles": steady["articles"], "steady_seconds": round(steady["seconds"], 2),
            "steady_articles_per_s": round(steady["per_s"], 1), "startup_s": round(steady["startup_s"], 2),
            # From the last article written to the last process gone.
            "leaving_s": round(result["seconds"] - steady["startup_s"] - steady["seconds"], 2),
            "exit_s": [r["exit_s"] for r in result["runs"]]}


def ratio(a: dict, b: dict) -> float | None:
    return round(a["articles_per_s"] / b["articles_per_s"], 2) if b["articles_per_s"] else None


def latency_rows(latency_size: int, steady_size: int, work: Path) -> list[dict]:
    """Behind 50 ms per answer: the baseline on `latency_size` articles,
    the crawler (1 process, 2 shards, 1/2/4 workers on one Redis) on
    `steady_size`, each crawl on a corpus of its own (same seed)."""
    rows = []
    slow = Replica(latency_size, latency=0.05)
    try:
        rows.append(row("baseline: sequential requests, 50 ms latency", baseline(slow.url, work / "baseline-slow")))
    finally:
        slow.stop()
    crawls = [(ONE_SLOW, lambda url: crawl(url, work / "slow", watch=True)),
              (TWO_SLOW, lambda url: crawl(url, work / "slow-two", shards=2, watch=True))]
    if shutil.which("redis-server"):
        crawls += [(workers_row(n), lambda url, n=n: cluster_crawl(url, work / f"slow-workers-{n}", n))
                   for n in WORKERS]
    else:
        print("bench: no redis-server (apt-get install redis-server): no workers rows", file=sys.stderr)
    for name, measure in crawls:
        # A fresh replica for each: its request counters and threads start
        # from nothing, as the crawl's store does.
        slow = Replica(steady_size, latency=0.05)
        try:
            rows.append(row(name, measure(slow.url)))
        finally:
            slow.stop()
    return rows


def run(size: int, latency_size: int, memory_sizes: list[int], splash: bool, work: Path,
        steady_size: int = 3000) -> dict:
    rows, extra = [], {}
    replica = Replica(size)
    try:
        limit = json.loads(measured([[PY, "-m", "bench.fetch_limit", replica.url]])["runs"][0]["stdout"])
        rows.append({"name": "fetch limit (16 keep-alive connections, no parsing)", "articles": limit["requests"],
                     "seconds": round(limit["seconds"], 2), "articles_per_s": round(limit["per_second"], 1),
                     "cpu_ms_per_article": None, "peak_rss_mb": None, "requests": limit["requests"]})
        rows.append(row("baseline: sequential requests, loopback", baseline(replica.url, work / "baseline")))
        rows.append(row(FLOOR, scrapy_floor(replica.url)))
        one = crawl(replica.url, work / "one")
        rows.append(row("newscrawler, 1 process, loopback", one))
        nothing_new = crawl(replica.url, work / "one")
        replica.add(max(1, size // 100))
        one_percent = crawl(replica.url, work / "one")
        extra["incremental"] = {
            "nothing_new": {"requests": nothing_new["requests"], "article_requests": nothing_new["article_requests"],
                            "seconds": round(nothing_new["seconds"], 2)},
            "one_percent_new": {"new_articles": max(1, size // 100), "written": one_percent["articles"],
                                "requests": one_percent["requests"],
                                "article_requests": one_percent["article_requests"],
                                "seconds": round(one_percent["seconds"], 2)},
        }
        rows.append(row(TWO, crawl(replica.url, work / "two", shards=2)))
        memory = {size: one["rss_mb"]}
    finally:
        replica.stop()

    rows += latency_rows(latency_size, steady_size, work)

    extra["memory_crawl_seconds"] = {}
    for n in memory_sizes:
        if n in memory:
            continue
        started = time.perf_counter()
        big = Replica(n)
        try:
            memory[n] = crawl(big.url, work / f"memory-{n}")["rss_mb"]
        finally:
            big.stop()
        extra["memory_crawl_seconds"][str(n)] = round(time.perf_counter() - started, 1)
    extra["peak_rss_mb_by_articles"] = {str(n): round(memory[n], 1) for n in sorted(memory)}

    if splash and not splash_missing():
        server = SplashServer(work / "splash.log").start()
        small = Replica(300)
        try:
            rows.append(row("newscrawler through Splash, loopback (300 articles)",
                            crawl(small.url, work / "splash", settings={"SPLASH_URL": server.url})))
            rows.append(row("newscrawler, text endpoint, loopback (300 articles)", crawl(small.url, work / "nosplash")))
        finally:
            small.stop()
            server.stop()
    return {"rows": rows, **extra}


def targets(results: dict) -> dict:
    by = {r["name"]: r for r in results["rows"]}
    base = by["baseline: sequential requests, loopback"]
    base_slow = by["baseline: sequential requests, 50 ms latency"]
    one = by["newscrawler, 1 process, loopback"]
    two = by[TWO]
    slow = by[ONE_SLOW]
    two_slow = by[TWO_SLOW]
    rss = results["peak_rss_mb_by_articles"]
    sizes = sorted(rss, key=int)
    ratios = {
        "one_process_vs_baseline": ratio(one, base),
        "two_processes_vs_baseline": ratio(two, base),
        "latency_50ms_one_process_vs_baseline": ratio(slow, base_slow),
        "latency_50ms_two_processes_vs_baseline": ratio(two_slow, base_slow),
        "scrapy_floor_vs_baseline": ratio(by[FLOOR], base),
        "one_process_vs_scrapy_floor": ratio(one, by[FLOOR]),
        "one_process_vs_fetch_limit": ratio(one, results["rows"][0]),
        "rss_growth_largest_vs_smallest": round(rss[sizes[-1]] / rss[sizes[0]], 2),
        "latency_50ms_steady_one_process_vs_baseline": steady_ratio(slow, base_slow),
        "latency_50ms_steady_two_processes_vs_baseline": steady_ratio(two_slow, base_slow),
    }
    incremental = results["incremental"]["nothing_new"]
    best_slow = max(ratios["latency_50ms_one_process_vs_baseline"], ratios["latency_50ms_two_processes_vs_baseline"])
    met = {
        "one_process >= 1.0x baseline": ratios["one_process_vs_baseline"] >= 1.0,
        "two_processes >= 1.5x baseline": ratios["two_processes_vs_baseline"] >= 1.5,
        "50 ms latency >= 15x baseline (the better of 1 and 2 processes)": best_slow >= 15,
        "peak RSS <= 150 MB at the largest size": rss[sizes[-1]] <= 150,
        "peak RSS growth <= 20%": ratios["rss_growth_largest_vs_smallest"] <= 1.2,
        "re-run with nothing new: no article request": incremental["article_requests"] == 0,
    }
    return {"ratios": ratios, "targets_met": met}


def steady_ratio(a: dict, b: dict) -> float | None:
    """`a`'s steady rate to `b`'s (`b`'s whole rate when it has none: the
    sequential baseline, whose start-up is negligible)."""
    rate = b.get("steady_articles_per_s") or b["articles_per_s"]
    return round(a["steady_articles_per_s"] / rate, 2) if a.get("steady_articles_per_s") and rate else None


def latency_summary(rows: list[dict]) -> dict:
    """The 50 ms crawls against one process: steady and whole rates."""
    by = {r["name"]: r for r in rows}
    one = by.get(ONE_SLOW)
    if one is None:
        return {}
    return {name: {"steady_vs_one_process": steady_ratio(by[name], one), "wall_vs_one_process": ratio(by[name], one)}
            for name in [ONE_SLOW, TWO_SLOW, *map(workers_row, WORKERS)] if name in by}


def blank(value) -> object:
    return "" if value is None else value


def print_table(report: dict) -> None:
    print(f"\nnewscrawler bench, {report['date']}, {report['machine']['cores']} cores, commit {report['commit'][:12]}, "
          f"load average (1, 5, 15 min) {report['machine']['load_average_1_5_15_min']}")
    print(f"{'':66} {'articles':>8} {'s':>8} {'art/s':>8} {'steady/s':>8} {'CPU ms/art':>10} {'RSS MB':>8} "
          f"{'requests':>9}")
    for r in report["rows"]:
        print(f"{r['name']:66} {r['articles']:>8} {r['seconds']:>8} {r['articles_per_s']:>8} "
              f"{blank(r.get('steady_articles_per_s')):>8} {blank(r['cpu_ms_per_article']):>10} "
              f"{blank(r['peak_rss_mb']):>8} {r['requests'] or '':>9}")
    print("\nsteady/s: articles/s between the first and the last article written (items.jsonl, watched every "
          "50 ms),\nout of start-up and leaving; s and art/s: the whole wall time. Workers rows: N workers and the "
          f"writer,\n{BENCH_IDLE_CLOSE} s CLUSTER_IDLE_CLOSE, Redis on loopback; their CPU includes Redis's.")
    if summary := report.get("latency_50ms"):
        by = {r["name"]: r for r in report["rows"]}
        print(f"\n50 ms latency, against 1 process{'':34} {'steady x':>8} {'wall x':>8} {'start s':>8} "
              f"{'leave s':>8} {'Redis cmd/art':>13} {'reads/art':>11}")
        for name, ratios in summary.items():
            r = by[name]
            redis_cmds = (f"{r['steady_redis_commands_per_article']} ({r['redis_commands_per_article']})"
                          if "redis_commands_per_article" in r else "")
            reads = (f"{r.get('steady_redis_reads_per_article', '')} ({r['redis_reads_per_article']})"
                     if "redis_reads_per_article" in r else "")
            print(f"  {name:64} {blank(ratios['steady_vs_one_process']):>8} {blank(ratios['wall_vs_one_process']):>8} "
                  f"{blank(r.get('startup_s')):>8} {blank(r.get('leaving_s')):>8} {redis_cmds:>13} {reads:>11}")
        print("start s: from the start to the first article written; leave s: from the last to the exit of the "
              "last process.")
        print("Redis cmd/art: commands Redis executed per article written, between the first article and the last "
              "(in\nbrackets: the whole row, start-up and idle polling included); reads/art: reads of client "
              "sockets, ~ round\ntrips (a pipeline arrives in one read). Our INFO commands are taken out.")
    if "incremental" not in report:
        return
    print("\nincremental:", json.dumps(report["incremental"]))
    print("peak RSS by articles crawled (MB):", json.dumps(report["peak_rss_mb_by_articles"]))
    print(f"the bench took {report['bench_seconds']} s")
    print("ratios:", json.dumps(report["ratios"]))
    for target, ok in report["targets_met"].items():
        print(f"  [{'met' if ok else 'NOT met'}] {target}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="articles of the loopback corpus")
    parser.add_argument("--latency-size", type=int, default=1000, help="articles of the 50 ms corpus")
    parser.add_argument("--memory-sizes", default="10000,30000",
                        help="corpus sizes for peak RSS (make bench-full: 10000,100000)")
    parser.add_argument("--steady-size", type=int, default=3000,
                        help="articles of the corpus the crawler's 50 ms rows crawl (steady state)")
    parser.add_argument("--out", default=None, help="the report (default bench/results/latest.json; with --only: none)")
    parser.add_argument("--no-splash", action="store_true", help="skip the Splash row")
    parser.add_argument("--only", choices=["latency"],
                        help="latency: only the 50 ms rows (no targets; saved only with --out)")
    opts = parser.parse_args(argv)
    if opts.out is None and not opts.only:
        opts.out = "bench/results/latest.json"
    started, load_before = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="newscrawler-bench-") as tmp:
        if opts.only == "latency":
            results = {"rows": latency_rows(opts.latency_size, opts.steady_size, Path(tmp))}
        else:
            results = run(opts.size, opts.latency_size, [int(n) for n in opts.memory_sizes.split(",")],
                          not opts.no_splash, Path(tmp), opts.steady_size)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    # Anything else running on the machine moves every row: look here first.
                    "load_average_1_5_15_min": {"start": [round(x, 2) for x in load_before],
                                                "end": [round(x, 2) for x in os.getloadavg()]}},
        "commit": commit or "unknown",
        "crawl_settings": CRAWL_SETTINGS,
        "sizes": {"loopback": opts.size, "latency": opts.latency_size, "latency_steady": opts.steady_size,
                  "memory": opts.memory_sizes},
        "cluster_idle_close": float(BENCH_IDLE_CLOSE),
        **results,
    }
    report["latency_50ms"] = latency_summary(report["rows"])
    if not opts.only:
        report.update(targets(report))
    print_table(report)
    if opts.out:
        out = Path(opts.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nSaved in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
