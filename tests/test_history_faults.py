"""The runs' history under faults, over real crawls and files: two runs at
once both end up in it; a corrupted history is a warning and a new one,
whatever the corruption, never a traceback."""

import pickle
import random
import subprocess

import pytest
from collections import deque

from newscrawler.monitors.history import read_history
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.status import history_runs
from tests.crawling import ENV, REPO_ROOT, crawl, crawl_command


def recorded(output) -> list[dict]:
    with (output / "runs" / "category.history").open("rb") as f:
        return list(pickle.load(f))


def test_two_runs_at_once_are_both_recorded(tmp_path):
    corpus = Corpus.generate(size=20, seed=241)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        crawl(output, replica.url)
        procs = [subprocess.Popen(crawl_command(replica.url, output, name=f"-{n}"), cwd=REPO_ROOT, env=ENV)
                 for n in range(3)]
        codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0, 0, 0]
    runs = recorded(output)
    assert len(runs) == 4 and len({r["start_time"] for r in runs}) == 4


def corrupted(data: bytes, rng: random.Random) -> bytes:
    """`data` with a few bits flipped, bytes overwritten, or cut short."""
    kind = rng.choice(["flip", "flip", "bytes", "cut"])
    if kind == "cut":
        return data[:rng.randrange(len(data))]
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data))
        data[at] = data[at] ^ (1 << rng.randrange(8)) if kind == "flip" else rng.randrange(256)
    return bytes(data)


def single_bit_flips(data: bytes):
    for at in range(len(data)):
        for bit in range(8):
            yield data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]


def unpickling_error(data: bytes) -> type | None:
    try:
        pickle.loads(data)  # noqa: S301 - our own test data
    except Exception as exc:  # noqa: BLE001
        return type(exc)
    return None


def test_no_corruption_of_the_history_raises(tmp_path, caplog):
    corpus = Corpus.generate(size=20, seed=242)
    output = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        runs = [crawl(output, replica.url) for _ in range(2)]
        assert [run.returncode for run in runs] == [0, 0]
        path = output / "runs" / "category.history"
        whole = path.read_bytes()
        rng = random.Random(243)
        raised = []
        for n in range(300):
            path.write_bytes(corrupted(whole, rng))
            try:
                history = read_history(path, 900)
                history_runs(output, 900)
            except Exception as exc:  # noqa: BLE001 - what the fuzz is for
                raised.append(f"{n}: {type(exc).__name__}: {exc}"[:200])
                continue
            assert isinstance(history, deque) and all(isinstance(s, dict) for s in history)
        assert raised == []

        # A run over a bit-flipped history that unpickles to a TypeError: a
        # warning, a new history, and the run goes on.
        path.write_bytes(next(flipped for flipped in single_bit_flips(whole) if unpickling_error(flipped) is TypeError))
        run = crawl(output, replica.url)
    assert run.returncode == 0, run.log[-3000:]
    assert "Traceback" not in run.log and "] ERROR: " not in run.log, run.log[-3000:]
    assert "cannot be read" in run.log
    assert len(recorded(output)) == 1


def test_a_history_that_cannot_be_saved_fails_the_run(tmp_path):
    """It was an ERROR line and exit 0: the next runs' checks that look back
    over the history were blind, and nothing said so but the log."""
    output = tmp_path / "out"
    (output / "runs" / "category.history").mkdir(parents=True)  # a folder where the file goes
    with ReplicaServer(Corpus.generate(size=20, seed=5)) as replica:
        result = crawl(output, replica.url)
    assert result.returncode == 1, result.log[-3000:]
    assert "Could not save the run history" in result.log
    assert "Traceback" not in result.log


@pytest.mark.parametrize("name", ["category.history", "category.alerted.json"])
def test_a_fifo_in_place_of_the_runs_files_does_not_hang_the_run(tmp_path, name):
    """Reading a FIFO blocks until somebody writes to it: the run hung for
    good, holding the alerts' lock (and crawl-quietly's)."""
    import os
    output = tmp_path / "out"
    (output / "runs").mkdir(parents=True)
    os.mkfifo(output / "runs" / name)
    # A failing run (its source does not answer), so that it alerts too.
    result = crawl(output, "http://127.0.0.1:9", "-s", "ALERT_WEBHOOK_URL=http://127.0.0.1:9/hook",
                   "-s", "RETRY_TIMES=0", timeout=120)
    assert result.returncode == 1, result.log[-3000:]
    assert "cannot be read (" in result.log and "not a regular file" in result.log, result.log[-3000:]
    assert "Traceback" not in result.log
