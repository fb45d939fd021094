"""Random kills, given-up pages and articles and overlapping runs over many
runs, while the source grows; then healthy runs. In the end every article
the source lists is written exactly once: posts = JSON lines = done codes
= source articles."""

import random
import subprocess

import pytest

from newscrawler.replica import Corpus, Faults, ReplicaServer
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command
from tests.invariants import assert_written_exactly_once
from tests.killpoints import with_kill_at

FLAKY = ("-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.01", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "LOG_LEVEL=WARNING")


def break_things(rng: random.Random, corpus: Corpus, replica: ReplicaServer) -> None:
    """Outages on some listing pages and article endpoints, for one run."""
    replica.outages.clear()
    for cid in rng.sample(sorted(corpus.categories), 2):
        replica.outages[f"/category/{cid}.html?page={rng.randint(2, 4)}"] = 503
    codes = sorted(corpus.records)
    for code in rng.sample(codes, 8):
        replica.outages[f"/NewsData/GetNewsText.do?id={code}"] = rng.choice([500, 503])


def faulty_run(rng: random.Random, output, replica) -> str:
    kind = rng.choice(["healthy", "kill", "kill", "flaky", "overlap"])
    replica.faults = Faults()
    if kind == "healthy":
        replica.outages.clear()
        crawl(output, replica.url)
    elif kind == "kill":
        position = rng.choice([350, 450, 550, 850])
        crawl(output, replica.url, *FLAKY, *with_kill_at(position, rng.randint(1, 40)))
    elif kind == "flaky":
        replica.faults = Faults(error_rate=0.05, drop_rate=0.02, seed=rng.randint(0, 10**6))
        crawl(output, replica.url, *FLAKY)
    else:
        procs = [subprocess.Popen(crawl_command(replica.url, output, *FLAKY, name=f"-{n}"), cwd=REPO_ROOT, env=ENV)
                 for n in range(2)]
        try:
            procs[0].wait(timeout=rng.uniform(0.5, 3))
        except subprocess.TimeoutExpired:
            procs[0].kill()
        for proc in procs:
            proc.wait(timeout=300)
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_fault_matrix(tmp_path, seed):
    rng = random.Random(seed)
    corpus = Corpus.generate(size=150, seed=170 + seed)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        assert crawl(output, replica.url).returncode == 0
        kinds = []
        for _ in range(10):
            # New articles arrive deep enough to push a listing down a page or two.
            for cid in rng.sample(sorted(corpus.categories), 2):
                corpus.add_live(rng.randint(0, 45), cid=cid)
            break_things(rng, corpus, replica)
            kinds.append(faulty_run(rng, output, replica))
        replica.outages.clear()
        replica.faults = Faults()
        healthy = [crawl(output, replica.url) for _ in range(2)]
    assert [run.returncode for run in healthy] == [0, 0], (kinds, healthy[0].log[-3000:])
    assert healthy[1].summary["written"] == 0
    assert_written_exactly_once(output, corpus)
