"""Real small and read-only filesystems for fault tests: tmpfs mounts
(root with CAP_SYS_ADMIN) and the immutable attribute (chattr +i)."""

import functools
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


@functools.cache
def _mount_problem() -> str | None:
    with tempfile.TemporaryDirectory() as probe:
        proc = _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe)
        if proc.returncode:
            return f"cannot mount a small tmpfs here (root with CAP_SYS_ADMIN needed): {proc.stderr.strip()}"
        _run("umount", probe)
    return None


def require_mount() -> None:
    if problem := _mount_problem():
        pytest.skip(problem)


@contextmanager
def tiny_filesystem(path: Path, size: str):
    """A tmpfs of `size` (``256k``, ``64m``) mounted at `path` while the
    block runs; `resize(path, size)` changes it."""
    require_mount()
    path.mkdir(parents=True, exist_ok=True)
    proc = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    assert proc.returncode == 0, proc.stderr
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def resize(path: Path, size: str) -> None:
    proc = _run("mount", "-o", f"remount,size={size}", str(path))
    assert proc.returncode == 0, proc.stderr


@contextmanager
def immutable(path: Path, now: bool = True):
    """`path` made immutable (chattr +i): nothing can be created in a
    folder, even by root. With `now` False, it is made so by calling the
    function the block receives (from a replica's `before` hook, mid-run);
    either way it is writable again after the block."""
    if not shutil.which("chattr"):
        pytest.skip("chattr is not installed (e2fsprogs)")
    proc = _run("chattr", "+i", str(path))
    if proc.returncode:
        pytest.skip(f"chattr +i does not work here: {proc.stderr.strip()}")
    if not now:
        _run("chattr", "-i", str(path))
    try:
        yield lambda: _run("chattr", "+i", str(path))
    finally:
        _run("chattr", "-i", str(path))
