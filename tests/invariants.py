"""The exactly-once invariant of an OUTPUT_DIR, checked on its files."""

import json
from pathlib import Path

from newscrawler.replica import Corpus
from newscrawler.store import SQLiteSeenStore


def jsonl_codes(output: Path) -> list[str]:
    """The info_code of every line of items.jsonl; each line must be JSON."""
    path = output / "items.jsonl"
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), "no partial last line"
    return [json.loads(line)["info_code"] for line in raw.decode("utf-8").splitlines()]


def assert_written_exactly_once(output: Path, corpus: Corpus | None = None, expected: set[str] | None = None,
                                store_path: Path | None = None) -> None:
    """Each expected code (default: the corpus's writable records) has one
    JSON line, one post named by its date and code, and is done in the
    store; nothing else is written, pending, or half-written."""
    expected = expected if expected is not None else {r.info_code for r in corpus.writable()}
    codes = jsonl_codes(output)
    assert sorted(codes) == sorted(expected), "each writable infoCode once in items.jsonl"
    posts = sorted(p.name[11:-3] for p in (output / "_posts").glob("*.md"))
    assert posts == sorted(expected), "each writable infoCode once in _posts"
    lines = [json.loads(line) for line in (output / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    for item in lines:
        assert (output / "_posts" / f"{item['published_at'][:10]}-{item['info_code']}.md").exists(), item["info_code"]
    assert not list(output.rglob(".tmp-*")), "no half-written file"
    store = SQLiteSeenStore(store_path or output / "dedupe.sqlite3")
    assert store.done_codes() == expected, "the store agrees with the files"
    assert not [code for code, state in store.states(expected).items() if state != "done"]
    pending = [code for code, _ in store.stale_claims()]
    store.close()
    assert pending == [], "no claim left pending"
