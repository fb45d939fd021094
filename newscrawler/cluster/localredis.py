"""A throwaway redis-server on loopback (`make cluster`, the tests)."""

import shutil
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalRedis:
    """``redis-server`` on a free loopback port, its files (and its log,
    ``redis.log``) in `folder`. With `appendonly` (the default) every write
    is kept, and the data survive a stop and start on the same port; `args`
    are more options, such as ``("--requirepass", "pw")``."""

    def __init__(self, folder: Path, *, appendonly: bool = True, args: tuple[str, ...] = ()):
        self.folder, self.appendonly, self.args = Path(folder), appendonly, tuple(args)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> "LocalRedis":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: apt-get install redis-server")
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.folder), *self.args],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.folder / 'redis.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server on port {self.port} did not answer PING in {timeout:g} s")
            time.sleep(0.02)
        return self

    def ping(self) -> bool:
        """Whether the server answers PING (or asks for a password)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                reply = s.recv(64)
        except OSError:
            return False
        return reply.startswith((b"+PONG", b"-NOAUTH"))

    def stop(self) -> None:
        """End it with SIGTERM (an appendonly server writes its data first)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def kill(self) -> None:
        """End it with SIGKILL, at once."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def restart(self, *, appendonly: bool | None = None) -> None:
        """Stop it and start it again on the same port and folder."""
        self.stop()
        if appendonly is not None:
            self.appendonly = appendonly
        self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
