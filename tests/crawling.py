"""Run real crawls in a child process, as a user's `scrapy crawl` would."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CrawlResult:
    returncode: int
    summary: dict
    log: str
    output: Path

    def posts(self) -> dict[str, str]:
        folder = self.output / "_posts"
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))} if folder.exists() else {}

    def items(self) -> list[dict]:
        path = self.output / "items.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


ENV = dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawler.settings")


def crawl_command(base_url: str, output: Path, *args: str, spider: str = "category", name: str = "") -> list[str]:
    """`scrapy crawl SPIDER -a base_url=... -s OUTPUT_DIR=output ARGS`, with
    its log and summary beside the output; `name` tells apart the files of
    crawls sharing one output."""
    return [
        sys.executable, "-m", "scrapy", "crawl", spider,
        "-a", f"base_url={base_url}",
        "-s", f"OUTPUT_DIR={output}",
        "-s", f"RUN_SUMMARY_FILE={output}{name}-summary.json",
        "-s", f"LOG_FILE={output}{name}-crawl.log",
        "-s", "LOG_FILE_APPEND=False",
        "-s", "LOG_LEVEL=INFO",
        *args,
    ]


def crawl(output: Path, base_url: str, *args: str, spider: str = "category", timeout: float = 300) -> CrawlResult:
    """Run `crawl_command` to its end and collect what it left."""
    output.mkdir(parents=True, exist_ok=True)
    summary_path = output.parent / f"{output.name}-summary.json"
    log_path = output.parent / f"{output.name}-crawl.log"
    summary_path.unlink(missing_ok=True)
    cmd = crawl_command(base_url, output, *args, spider=spider)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=ENV, timeout=timeout, capture_output=True, text=True)
    log = log_path.read_text(encoding="utf-8") if log_path.exists() else proc.stderr
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return CrawlResult(proc.returncode, summary, log + proc.stderr, output)
