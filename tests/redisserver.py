"""A real redis-server for the tests, on a free port of 127.0.0.1, with its
files in a folder of its own; and the `redis_server` fixture (one server
for the session, flushed before each test)."""

import shutil
from pathlib import Path

import pytest

from newscrawler.cluster.localredis import LocalRedis

MISSING = "redis-server is not installed (apt-get install redis-server)"


class RedisServer(LocalRedis):
    """The project's `LocalRedis`, started at once; without `appendonly`
    (the default here) it keeps nothing on disk."""

    def __init__(self, folder: Path, *, appendonly: bool = False, args: tuple[str, ...] = ()):
        super().__init__(folder, appendonly=appendonly, args=args)
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
