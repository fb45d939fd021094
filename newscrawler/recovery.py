"""Settle pending claims: those a killed run left, and this run's own at
its end.

A run writes an article's post (under a name reserved in the store), then
its category page, then its JSON line, then marks it done. A claim still
pending is settled by the JSON line, the last write: with it, every file
is there and the claim is completed; without it, the post (if any) is
removed and the claim released, so the article is fetched and written
again, once, under whatever date the source gives then.
"""

import errno
import json
import logging
from pathlib import Path

from newscrawler.files import child_path
from newscrawler.store import SeenStore

logger = logging.getLogger(__name__)

POST_FOLDERS = ("_posts", "old_post")


def jsonl_codes(path: Path):
    """The info_code of each complete line of the JSON Lines file."""
    if not path.exists():
        return
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                return
            try:
                code = json.loads(line).get("info_code")
            except (ValueError, AttributeError, RecursionError):
                continue
            if isinstance(code, str) and code:
                yield code


def codes_in_jsonl(path: Path, wanted: set[str]) -> set[str]:
    """Which of `wanted` have a complete line in the JSON Lines file."""
    return {code for code in jsonl_codes(path) if code in wanted} if wanted else set()


def undo(store: SeenStore, info_code: str, output_dir: Path) -> bool:
    """Remove the post reserved for the code, then release the claim (in
    this order: a kill in between leaves a claim with nothing written).
    Return whether a post was removed."""
    removed = False
    if name := store.post_name(info_code):
        for folder in POST_FOLDERS:
            try:
                child_path(output_dir / folder, name).unlink()
                removed = True
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno != errno.ENAMETOOLONG:  # too long a name to exist at all
                    raise
    store.release(info_code)
    return removed


def settle(store: SeenStore, codes: list[str], output_dir: Path) -> tuple[int, int]:
    """Complete the codes (this process's claims) whose JSON line is
    written, undo the others; return (completed, released)."""
    written = codes_in_jsonl(output_dir / "items.jsonl", set(codes))
    for code in codes:
        if code in written:
            store.complete(code)
        else:
            undo(store, code, output_dir)
    return len(written), len(codes) - len(written)


def settle_stale_claims(store: SeenStore, output_dir: Path) -> tuple[int, int]:
    """Adopt and settle every claim a dead process left; return (completed, released)."""
    adopted = [code for code, owner in store.stale_claims() if store.adopt(code, owner)]
    if not adopted:
        return 0, 0
    completed, released = settle(store, adopted, output_dir)
    logger.warning(
        "A killed run (or one that could not write its store) left %d articles pending: %d were fully "
        "written (now marked done), "
        "%d were not (what was written of them is removed; they will be fetched again)",
        len(adopted), completed, released,
    )
    return completed, released


def settle_own_claims(store: SeenStore, output_dir: Path) -> tuple[int, int]:
    """At the end of a run (finished, stopped, or failed): settle what this
    process still has pending, so the next run need not take it for a kill."""
    return settle(store, store.pending_mine(), output_dir)
