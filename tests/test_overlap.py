"""Two crawls at once over one OUTPUT_DIR: no infoCode twice."""

import json
import subprocess

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.invariants import assert_written_exactly_once


def test_two_crawls_at_once(tmp_path):
    corpus = Corpus.generate(size=200, seed=101)
    output = tmp_path / "out"
    with ReplicaServer(corpus, faults=Faults(latency=0.01)) as replica:
        procs = [subprocess.Popen(crawl_command(replica.url, output, name=f"-{n}"), cwd=REPO_ROOT, env=ENV)
                 for n in range(2)]
        codes = [p.wait(timeout=300) for p in procs]
        text_hits = replica.hits["text"]
        final = crawl(output, replica.url)
    assert codes == [0, 0]
    summaries = [json.loads((tmp_path / f"out-{n}-summary.json").read_text()) for n in range(2)]
    assert min(s["written"] for s in summaries) > 0, "both crawls wrote articles"
    assert sum(s["written"] for s in summaries) == len(corpus.writable())
    assert text_hits >= len(corpus.writable())
    assert final.summary["written"] == 0
    assert_written_exactly_once(output, corpus)
