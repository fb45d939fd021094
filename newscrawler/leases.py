"""Which processes sharing a folder are alive, whatever their host name or
PID namespace: each holds an exclusive lock (flock) on a file of its own in
the folder's ``.leases/``, and the kernel drops the lock when the process
dies, however it dies. A process id alone says nothing across containers
(two of them are both pid 1) and is reused after a while.

A process's token (``host-pid-random``) names its claims in the store and
its temp files, so that a later process can tell one left by the dead from
one a live process is writing now.
"""

import fcntl
import os
import re
import secrets
import socket
from pathlib import Path

LEASES = ".leases"
_HOST = re.sub(r"[^A-Za-z0-9]+", "-", socket.gethostname()).strip("-") or "host"
TOKEN = re.compile(r"[A-Za-z0-9-]+-\d+-[0-9a-f]{8}")

_token: tuple[int, str] | None = None
_held: dict[Path, int] = {}


def process_token() -> str:
    """This process's token (a new one after a fork)."""
    global _token
    if _token is None or _token[0] != os.getpid():
        _token = (os.getpid(), f"{_HOST}-{os.getpid()}-{secrets.token_hex(4)}")
        _held.clear()
    return _token[1]


def hold(folder: Path) -> str:
    """Take this process's lease in `folder` (kept until the process ends);
    return its token."""
    token = process_token()
    # One lease per folder, however it is named (relative, absolute).
    leases = Path(os.path.realpath(folder)) / LEASES
    if leases not in _held:
        leases.mkdir(parents=True, exist_ok=True)
        fd = os.open(leases / token, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _held[leases] = fd
    return token


def alive(folder: Path, token: str) -> bool:
    """Whether the process of `token` holds its lease in `folder`. A lease
    file nobody holds belongs to the dead: it is removed."""
    if token == process_token():
        return True
    path = folder / LEASES / token
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops a lock taken just now
    path.unlink(missing_ok=True)
    return False
