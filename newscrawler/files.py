"""Writing files so that a kill never leaves half of one."""

import os
import stat
import tempfile
from pathlib import Path

from newscrawler import leases

TEMP_PREFIX = ".tmp-"


def _written_whole(path: Path, data: bytes, put) -> None:
    """Write `data` to a temp file beside `path` (named with this process's
    lease token, see `remove_stale_temps`), then `put(temp, path)` it in
    place; the temp file never outlives the call."""
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{leases.process_token()}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        put(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temp file in the same folder and a
    rename: readers see the old file or the new one, never a part."""
    _written_whole(path, data, os.replace)


def create_new(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole, like `atomic_write`, but never over an
    existing file: `FileExistsError` then (a hard link does not replace)."""
    _written_whole(path, data, os.link)


def pid_alive(pid: int) -> bool:
    """Whether a process of this host with this id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _writer_alive(name: str, root: Path) -> bool:
    token = name[len(TEMP_PREFIX):].rpartition(".")[0]
    if leases.TOKEN.fullmatch(token):
        return leases.alive(root, token)
    pid = name[len(TEMP_PREFIX):].partition("-")[0]  # named by an older release: its pid
    return pid.isdigit() and pid_alive(int(pid))


def remove_stale_temps(folder: Path, root: Path) -> int:
    """Delete temp files that dead processes left in `folder` (a live
    process's file, being written now, is left alone: every process writing
    under `root` holds its lease there); return how many."""
    removed = 0
    for leftover in folder.glob(TEMP_PREFIX + "*"):
        if _writer_alive(leftover.name, root):
            continue
        try:
            leftover.unlink(missing_ok=True)
        except OSError:  # a folder that cannot be written: its writes fail, and say so
            continue
        removed += 1
    return removed


def child_path(folder: Path, name: str) -> Path:
    """`folder/name`, refusing any name that would land elsewhere."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"unsafe file name {name!r}")
    return folder / name


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes`:
    a FIFO would block the reader for good, a device (/dev/zero) never end.
    FileNotFoundError if there is none; ValueError for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > max_bytes:
            raise ValueError(f"over {max_bytes} bytes")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ValueError(f"over {max_bytes} bytes")
        return data
    finally:
        os.close(fd)
