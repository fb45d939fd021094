"""A real redis-server for the tests, on a free port of 127.0.0.1, with its
files in a folder of its own; and the `redis_server` fixture (one server
for the session, flushed before each test)."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

MISSING = "redis-server is not installed (apt-get install redis-server)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """`redis-server` on a free port. Without `appendonly` it keeps nothing
    on disk; with it, data survives a `restart` (same port, same folder).
    `args` are more options, such as ``("--requirepass", "pw")``."""

    def __init__(self, folder: Path, *, appendonly: bool = False, args: tuple[str, ...] = ()):
        self.folder, self.appendonly, self.args = Path(folder), appendonly, tuple(args)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.folder), *self.args],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.folder / 'redis.log').read_text()[-2000:]}")
            if self.ping():
                return
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server on port {self.port} did not answer PING in 10 s")
            time.sleep(0.02)

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


def skip_without_redis() -> None:
    if not shutil.which("redis-server"):
        pytest.skip(MISSING)


@pytest.fixture(scope="session")
def _redis_session(tmp_path_factory):
    skip_without_redis()
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.kill()


@pytest.fixture
def redis_server(_redis_session):
    """The session's redis-server, emptied (and started again if a test
    stopped it)."""
    server = _redis_session
    if not server.ping():
        server.start()
    import redis

    with redis.Redis.from_url(server.url) as client:
        client.flushall()
    yield server


@pytest.fixture
def own_redis_server(tmp_path):
    """A redis-server of the test's own, to stop, kill or restart."""
    skip_without_redis()
    servers = []

    def start(**kwargs) -> RedisServer:
        servers.append(RedisServer(tmp_path / f"redis{len(servers)}", **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()
