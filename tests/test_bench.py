"""`make bench` at a tiny size, so that it cannot rot: the numbers are
produced (not how fast they are)."""

import json
import subprocess
import sys

from tests.cluster import redis_missing
from tests.crawling import REPO_ROOT

WORKERS_ROWS = ["newscrawler, 1 worker on one Redis (32 connections), 50 ms",
                "newscrawler, 2 workers on one Redis (16 connections each), 50 ms",
                "newscrawler, 4 workers on one Redis (8 connections each), 50 ms"]


def test_bench_produces_its_report(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--size", "120", "--latency-size", "20", "--steady-size", "120",
         "--memory-sizes", "120,240",
         "--out", str(out), "--no-splash"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] >= 1 and len(report["commit"]) >= 7
    names = [r["name"] for r in report["rows"]]
    assert names[:3] == ["fetch limit (16 keep-alive connections, no parsing)", "baseline: sequential requests, loopback",
                         "Scrapy floor: bare spider, same pages, no work (not ours)"]
    assert len(names) == (8 if redis_missing() else 11)
    workers_rows = [] if redis_missing() else WORKERS_ROWS
    assert names[8:] == workers_rows
    for r in report["rows"]:
        assert r["articles"] > 0 and r["seconds"] > 0 and r["articles_per_s"] > 0, r
    assert set(report["peak_rss_mb_by_articles"]) == {"120", "240"}
    assert report["incremental"]["nothing_new"]["article_requests"] == 0
    assert report["incremental"]["one_percent_new"]["written"] >= 1
    assert set(report["ratios"]) >= {"one_process_vs_baseline", "two_processes_vs_baseline", "scrapy_floor_vs_baseline",
                                    "latency_50ms_one_process_vs_baseline", "latency_50ms_two_processes_vs_baseline"}
    by = {r["name"]: r for r in report["rows"]}
    for name in ["newscrawler, 1 process, 50 ms latency", *workers_rows]:
        assert by[name]["articles"] == by["newscrawler, 1 process, 50 ms latency"]["articles"], name
        assert by[name]["steady_articles_per_s"] > 0 and 0 < by[name]["startup_s"] < by[name]["seconds"], by[name]
    for name in workers_rows:
        assert by[name]["redis_commands_per_article"] > 0 and by[name]["steady_redis_commands_per_article"] > 0
        assert sum(by[name]["handed_off"].values()) == by[name]["articles"]
    assert set(report["latency_50ms"]) >= set(workers_rows)
    assert report["latency_50ms"]["newscrawler, 1 process, 50 ms latency"]["steady_vs_one_process"] == 1.0
    assert "ratios:" in proc.stdout and ("[met]" in proc.stdout or "[NOT met]" in proc.stdout)
