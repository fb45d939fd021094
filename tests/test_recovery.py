import json
import subprocess
import sys

from newscrawler.recovery import codes_in_jsonl, settle_stale_claims
from newscrawler.store import SQLiteSeenStore


def line(code: str) -> bytes:
    return (json.dumps({"info_code": code}) + "\n").encode()


def test_codes_in_jsonl_counts_only_complete_lines(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_bytes(line("A") + b"not json\n" + b"[1]\n" + line("B") + b'{"info_code": "C"')
    assert codes_in_jsonl(path, {"A", "B", "C", "D"}) == {"A", "B"}
    assert codes_in_jsonl(path, set()) == set()
    assert codes_in_jsonl(tmp_path / "missing.jsonl", {"A"}) == set()


def test_killed_run_is_settled(tmp_path):
    db, jsonl = tmp_path / "dedupe.sqlite3", tmp_path / "items.jsonl"
    # A real process claims three codes, writes the line of one, and dies.
    subprocess.run(
        [sys.executable, "-c",
         f"from newscrawler.store import SQLiteSeenStore; s = SQLiteSeenStore({str(db)!r});"
         "[s.claim(c) for c in ('WRITTEN', 'HALF', 'NOTHING')]"],
        check=True,
    )
    jsonl.write_bytes(line("WRITTEN") + b'{"info_code": "HALF", "ti')
    store = SQLiteSeenStore(db)
    assert settle_stale_claims(store, jsonl) == (1, 2)
    assert store.done_codes() == {"WRITTEN"}
    assert store.claim("HALF") and store.claim("NOTHING")
    assert settle_stale_claims(store, jsonl) == (0, 0)
    store.close()
