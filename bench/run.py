"""`make bench`: measure the crawler against the old scripts' baseline and
the replica's fetch limit, in one run, on this machine; print a table with
ratios and save it as JSON.

    python -m bench.run [--size 10000] [--latency-size 1000] [--memory-sizes 10000,100000]
                        [--out bench/results/latest.json] [--no-splash]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
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


def measured(cmds: list[list[str]], **popen) -> dict:
    """Run the commands at once; wall seconds, CPU and peak RSS of each."""
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, **popen) for cmd in cmds]
    results = []
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        results.append({"cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                        "stdout": proc.stdout.read().decode(), "returncode": proc.returncode})
    wall = time.perf_counter() - started
    return {"seconds": wall, "cpu_s": sum(r["cpu_s"] for r in results),
            "rss_mb": max(r["rss_mb"] for r in results), "runs": results}


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


def crawl(url: str, out: Path, *args: str, settings: dict | None = None, shards: int = 1) -> dict:
    summaries = [out.parent / f"{out.name}-summary-{i}.json" for i in range(shards)]
    if shards == 1:
        cmds = [crawl_cmd(url, out, summaries[0], *args, settings=settings)]
    else:
        settings = {**shared_politeness(shards), **(settings or {})}
        cmds = [crawl_cmd(url, out, summaries[i], "-a", f"shard={i}/{shards}", *args, settings=settings)
                for i in range(shards)]
    result = measured(cmds, env=dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawler.settings"))
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
    }


def ratio(a: dict, b: dict) -> float | None:
    return round(a["articles_per_s"] / b["articles_per_s"], 2) if b["articles_per_s"] else None


def run(size: int, latency_size: int, memory_sizes: list[int], splash: bool, work: Path) -> dict:
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

    slow = Replica(latency_size, latency=0.05)
    try:
        rows.append(row("baseline: sequential requests, 50 ms latency", baseline(slow.url, work / "baseline-slow")))
        rows.append(row("newscrawler, 1 process, 50 ms latency", crawl(slow.url, work / "slow")))
        rows.append(row(TWO_SLOW, crawl(slow.url, work / "slow-two", shards=2)))
    finally:
        slow.stop()

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
    slow = by["newscrawler, 1 process, 50 ms latency"]
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


def print_table(report: dict) -> None:
    print(f"\nnewscrawler bench, {report['date']}, {report['machine']['cores']} cores, commit {report['commit'][:12]}")
    print(f"{'':66} {'articles':>8} {'s':>8} {'art/s':>8} {'CPU ms/art':>10} {'RSS MB':>8} {'requests':>9}")
    for r in report["rows"]:
        cpu = "" if r["cpu_ms_per_article"] is None else r["cpu_ms_per_article"]
        rss = "" if r["peak_rss_mb"] is None else r["peak_rss_mb"]
        print(f"{r['name']:66} {r['articles']:>8} {r['seconds']:>8} {r['articles_per_s']:>8} {cpu:>10} {rss:>8} "
              f"{r['requests'] or '':>9}")
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
    parser.add_argument("--out", default="bench/results/latest.json")
    parser.add_argument("--no-splash", action="store_true", help="skip the Splash row")
    opts = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newscrawler-bench-") as tmp:
        results = run(opts.size, opts.latency_size, [int(n) for n in opts.memory_sizes.split(",")],
                      not opts.no_splash, Path(tmp))
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "commit": commit or "unknown",
        "crawl_settings": CRAWL_SETTINGS,
        "sizes": {"loopback": opts.size, "latency": opts.latency_size, "memory": opts.memory_sizes},
        **results,
    }
    report.update(targets(report))
    out = Path(opts.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nSaved in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
