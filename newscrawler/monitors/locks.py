"""One process at a time over a file of ``OUTPUT_DIR/runs/``: runs at once
over one output read, decide and write the runs' history and the alerted
failures in turn, so that neither loses the other's (flock)."""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def locked(path: Path, wait: float):
    """Hold an exclusive lock on the file `path` (made when missing) for the
    block; ``TimeoutError`` (an ``OSError``) when another process holds it
    for `wait` seconds more. The lock goes with the file descriptor: a run
    killed holding it holds it no longer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path} held by another run for over {wait:.0f} s") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)
