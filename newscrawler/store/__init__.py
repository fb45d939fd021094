"""The dedupe store: which infoCodes are written, or being written."""

from pathlib import Path

from newscrawler.store.base import DONE, HANDED_OFF, PENDING, REJECTED, SeenStore, StoreError
from newscrawler.store.sqlite import SQLiteSeenStore

__all__ = ["DONE", "HANDED_OFF", "PENDING", "REJECTED", "SeenStore", "SQLiteSeenStore", "StoreError", "open_store",
           "store_uri"]


def store_uri(settings) -> str:
    """``DEDUPE_STORE_URI``, or the Redis of ``REDIS_URL`` (many workers),
    or the SQLite file under ``OUTPUT_DIR``."""
    uri = settings.get("DEDUPE_STORE_URI") or settings.get("REDIS_URL")
    if uri:
        return uri
    return "sqlite:///" + str(Path(settings.get("OUTPUT_DIR", "output")).resolve() / "dedupe.sqlite3")


def open_store(settings) -> SeenStore:
    """The store the settings name (``DEDUPE_STORE_URI``): SQLite, or Redis
    (``CLUSTER_ROLE``, ``REDIS_NAMESPACE``, ``CLUSTER_HEARTBEAT_TTL``)."""
    uri = store_uri(settings)
    recheck_after = settings.getfloat("RECHECK_REJECTED_AFTER", 24 * 3600)
    if uri.startswith("sqlite:///"):
        return SQLiteSeenStore(uri.removeprefix("sqlite:///"), recheck_after=recheck_after)
    if uri.startswith(("redis://", "rediss://", "unix://")):
        from newscrawler.store.redis import RedisSeenStore  # only Redis users need redis-py

        return RedisSeenStore(
            uri,
            role=settings.get("CLUSTER_ROLE") or "crawl",
            namespace=settings.get("REDIS_NAMESPACE") or "newscrawler",
            heartbeat_ttl=settings.getfloat("CLUSTER_HEARTBEAT_TTL", 30),
            recheck_after=recheck_after,
        )
    raise ValueError(f"DEDUPE_STORE_URI: unsupported store {uri!r} (expected sqlite:///PATH,"
                     " redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://... or unix:///SOCKET)")
