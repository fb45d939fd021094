"""`make cluster`'s command: Redis, the replica, workers and the writer on
this machine, one line per process, the site at the end."""

import re
import subprocess
import sys

import pytest

from tests.cluster import redis_missing
from tests.crawling import ENV, REPO_ROOT


@pytest.mark.skipif(bool(redis_missing()), reason=redis_missing() or "")
def test_make_cluster_writes_the_site_and_says_what_each_process_did(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawler.cluster.local", "--workers", "2", "--size", "40",
         "--output", str(site), "--idle-close", "2"],
        cwd=REPO_ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    rows = {m.group(1): m for m in re.finditer(r"^(worker-\d|writer)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", proc.stdout, re.M)}
    assert set(rows) == {"worker-1", "worker-2", "writer"}, proc.stdout
    posts = len(list((site / "_posts").glob("*.md")))
    handed = sum(int(rows[w].group(4)) for w in ("worker-1", "worker-2"))
    assert posts == handed == int(rows["writer"].group(5)) > 30
    assert f"Posts written:  {posts} in {site / '_posts'}" in proc.stdout
