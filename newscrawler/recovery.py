"""Settle the claims a killed run left pending, before a new run writes.

A run writes an article's post, then its JSON line, then marks it done.
Killed in between, it leaves the claim pending. If the JSON line is there,
the post is too (it was written first): the claim is completed. Otherwise
it is released and the article is fetched and written again.
"""

import json
import logging
from pathlib import Path

from newscrawler.store import SeenStore

logger = logging.getLogger(__name__)


def codes_in_jsonl(path: Path, wanted: set[str]) -> set[str]:
    """Which of `wanted` have a complete line in the JSON Lines file."""
    found: set[str] = set()
    if not wanted or not path.exists():
        return found
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                code = json.loads(line).get("info_code")
            except (ValueError, AttributeError):
                continue
            if code in wanted:
                found.add(code)
    return found


def settle_stale_claims(store: SeenStore, jsonl_path: Path) -> tuple[int, int]:
    """Complete or release every stale claim; return (completed, released)."""
    stale = store.stale_claims()
    if not stale:
        return 0, 0
    written = codes_in_jsonl(jsonl_path, set(stale))
    for code in stale:
        store.adopt(code)
        if code in written:
            store.complete(code)
        else:
            store.release(code)
    completed, released = len(written), len(stale) - len(written)
    logger.warning(
        "A killed run left %d articles pending: %d were fully written (now marked done), "
        "%d were not (they will be fetched again)", len(stale), completed, released,
    )
    return completed, released
