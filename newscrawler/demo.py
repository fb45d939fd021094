"""``make run``: serve the replica, crawl it into OUTPUT_DIR, say what came out.

python -m newscrawler.demo [--output DIR] [--size N] [--seed S]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from newscrawler.replica import Corpus, ReplicaServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def crawl_command(base_url: str, output: Path, summary: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "category",
        "-a", f"base_url={base_url}",
        "-s", f"OUTPUT_DIR={output}",
        "-s", f"RUN_SUMMARY_FILE={summary}",
        *extra,
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawler.demo", description=__doc__)
    parser.add_argument("--output", default="output")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    output = Path(args.output).resolve()

    with ReplicaServer(Corpus.generate(size=args.size, seed=args.seed)) as replica, \
            tempfile.TemporaryDirectory() as tmp:
        print(f"Replica of the source serving {args.size} articles at {replica.url}", flush=True)
        summary_file = Path(tmp) / "summary.json"
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawler.settings")
        cmd = crawl_command(replica.url, output, summary_file, "-s", f"LOG_LEVEL={args.log_level}")
        code = subprocess.call(cmd, cwd=PROJECT_ROOT, env=env)
        if not summary_file.exists():
            print(f"The crawl ended (exit {code}) without a summary: see its log above.", file=sys.stderr)
            return code or 1
        summary = json.loads(summary_file.read_text(encoding="utf-8"))

    reasons = ", ".join(f"{n} {r}" for r, n in sorted(summary["dropped_by_reason"].items())) or "none"
    print()
    print(f"Posts written:   {summary['written']}")
    print(f"Skipped:         {summary['skipped_known']} already known, {summary['skipped_duplicate']} duplicates")
    print(f"Dropped:         {summary['dropped']} ({reasons})")
    print(f"Not found (404): {summary['not_found']}")
    print(f"Posts are in     {output / '_posts'}")
    print(f"JSON Lines in    {output / 'items.jsonl'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
