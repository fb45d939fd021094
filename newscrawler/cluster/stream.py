"""The writer's side of the items stream: a Redis consumer group."""

import pickle

import redis

GROUP = "writers"
BATCH = 100


class Unreadable:
    """An entry whose item cannot be unpickled (another version of the
    project wrote it, or it is damaged): its code, and why."""

    def __init__(self, code: str, error: str):
        self.code = code
        self.error = error


class ItemStream:
    """Entries (``code``, pickled ``item``) added by the workers'
    `HandOffPipeline`, read by one writer at a time (the writer lock):
    entries a killed writer read but did not acknowledge are its
    successor's first (`reclaim`)."""

    def __init__(self, server: redis.Redis, key: str, consumer: str):
        self.server = server
        self.key = key
        self.consumer = consumer

    def create_group(self) -> None:
        try:
            # From the stream's first entry: items added before any writer
            # ever ran are written too.
            self.server.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def reclaim(self) -> list[tuple[str, object]]:
        """Every entry read by a writer before this one and never
        acknowledged: the writer that read it died (the lock says no other
        writer lives)."""
        entries, start = [], "0-0"
        while True:
            start, claimed, *_ = self.server.xautoclaim(self.key, GROUP, self.consumer, 0, start, count=BATCH)
            entries.extend(claimed)
            if start in (b"0-0", "0-0"):
                return self.decoded(entries)

    def read(self, block_ms: int) -> list[tuple[str, object]]:
        answer = self.server.xreadgroup(GROUP, self.consumer, {self.key: ">"}, count=BATCH, block=block_ms)
        return self.decoded(answer[0][1]) if answer else []

    @staticmethod
    def decoded(entries) -> list[tuple[str, object]]:
        """(entry id, item); an entry that cannot be read gives
        (entry id, `Unreadable`) instead."""
        items = []
        for entry_id, fields in entries:
            if not fields:  # deleted meanwhile
                continue
            try:
                item = pickle.loads(fields[b"item"])
                item.info_code  # noqa: B018 - an item of this project's
            except Exception as exc:  # noqa: BLE001 - anything a broken or foreign entry raises
                code = fields.get(b"code", b"").decode("utf-8", "replace")
                item = Unreadable(code, f"{type(exc).__name__}: {exc}"[:300])
            items.append((entry_id.decode(), item))
        return items

    def ack(self, entry_id: str) -> None:
        pipe = self.server.pipeline(transaction=False)
        pipe.xack(self.key, GROUP, entry_id)
        pipe.xdel(self.key, entry_id)
        pipe.execute()

    def workers_alive(self, namespace: str) -> bool:
        return any(True for _ in self.server.scan_iter(match=f"{namespace}:run:*:worker:*", count=100))
