"""The exactly-once invariant of an OUTPUT_DIR, checked on its files."""

import json
from pathlib import Path

from newscrawler.replica import Corpus
from newscrawler.store import SQLiteSeenStore


def assert_written_exactly_once(output: Path, corpus: Corpus) -> None:
    raw = (output / "items.jsonl").read_bytes()
    assert raw.endswith(b"\n")
    codes = [json.loads(line)["info_code"] for line in raw.decode("utf-8").splitlines()]
    expected = {r.info_code for r in corpus.writable()}
    assert sorted(codes) == sorted(expected), "each writable infoCode once in items.jsonl"
    posts = sorted(p.name[11:-3] for p in (output / "_posts").glob("*.md"))
    assert posts == sorted(expected), "each writable infoCode once in _posts"
    assert not list(output.rglob(".tmp-*")), "no half-written file"
    store = SQLiteSeenStore(output / "dedupe.sqlite3")
    assert store.done_codes() == expected, "the store agrees with the files"
    store.close()
