"""`make run`'s program: replica, crawl, summary; twice."""

import re
import subprocess
import sys

from tests.crawling import REPO_ROOT


def run_demo(output) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawler.demo", "--output", str(output), "--size", "40", "--log-level", "WARNING"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def count(label: str, text: str) -> int:
    return int(re.search(rf"^{label}:\s+(\d+)", text, re.M).group(1))


def test_demo_twice(tmp_path):
    first = run_demo(tmp_path / "site")
    written = count("Posts written", first)
    assert written == len(list((tmp_path / "site" / "_posts").glob("*.md"))) > 0
    assert f"Posts are in     {tmp_path / 'site' / '_posts'}" in first
    second = run_demo(tmp_path / "site")
    assert count("Posts written", second) == 0
    assert count("Dropped", second) == 0
    assert len(list((tmp_path / "site" / "_posts").glob("*.md"))) == written
