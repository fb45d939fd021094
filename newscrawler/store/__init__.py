"""The dedupe store: which infoCodes are written, or being written."""

from pathlib import Path

from newscrawler.store.base import DONE, PENDING, REJECTED, SeenStore, StoreError
from newscrawler.store.sqlite import SQLiteSeenStore

__all__ = ["DONE", "PENDING", "REJECTED", "SeenStore", "SQLiteSeenStore", "StoreError", "open_store", "store_uri"]


def store_uri(settings) -> str:
    """``DEDUPE_STORE_URI``, or the SQLite file under ``OUTPUT_DIR``."""
    uri = settings.get("DEDUPE_STORE_URI")
    if uri:
        return uri
    return "sqlite:///" + str(Path(settings.get("OUTPUT_DIR", "output")).resolve() / "dedupe.sqlite3")


def open_store(settings) -> SeenStore:
    """The store the settings name (``DEDUPE_STORE_URI``)."""
    uri = store_uri(settings)
    if uri.startswith("sqlite:///"):
        return SQLiteSeenStore(
            uri.removeprefix("sqlite:///"),
            recheck_after=settings.getfloat("RECHECK_REJECTED_AFTER", 24 * 3600),
        )
    raise ValueError(f"DEDUPE_STORE_URI: unsupported store {uri!r} (expected sqlite:///PATH)")
