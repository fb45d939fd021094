import json
import subprocess
import sys

from newscrawler.recovery import codes_in_jsonl, settle_own_claims, settle_stale_claims
from newscrawler.store import SQLiteSeenStore


def line(code: str) -> bytes:
    return (json.dumps({"info_code": code}) + "\n").encode()


def test_codes_in_jsonl_counts_only_complete_lines(tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_bytes(line("A") + b"not json\n" + b"[1]\n" + b"[" * 100000 + b"\n" + line("B") + b'{"info_code": "C"')
    assert codes_in_jsonl(path, {"A", "B", "C", "D"}) == {"A", "B"}
    assert codes_in_jsonl(path, set()) == set()
    assert codes_in_jsonl(tmp_path / "missing.jsonl", {"A"}) == set()


def test_killed_run_is_settled(tmp_path):
    db, jsonl, posts = tmp_path / "dedupe.sqlite3", tmp_path / "items.jsonl", tmp_path / "_posts"
    posts.mkdir()
    # A real process claims four codes, writes the post of three and the
    # line of one, and dies.
    subprocess.run(
        [sys.executable, "-c",
         f"from newscrawler.store import SQLiteSeenStore; s = SQLiteSeenStore({str(db)!r});"
         "[s.claim(c) for c in ('WRITTEN', 'HALF', 'POSTONLY', 'NOTHING')];"
         "[s.reserve_post(c, f'2024-01-01-{c}.md') for c in ('WRITTEN', 'HALF', 'POSTONLY')]"],
        check=True,
    )
    for code in ("WRITTEN", "HALF", "POSTONLY"):
        (posts / f"2024-01-01-{code}.md").write_text("post")
    (tmp_path / "old_post").mkdir()
    (tmp_path / "old_post" / "2024-01-01-POSTONLY.md").write_text("archived orphan")
    jsonl.write_bytes(line("WRITTEN") + b'{"info_code": "HALF", "ti')
    store = SQLiteSeenStore(db)
    assert settle_stale_claims(store, tmp_path) == (1, 3)
    assert store.done_codes() == {"WRITTEN"}
    assert sorted(p.name for p in posts.iterdir()) == ["2024-01-01-WRITTEN.md"], "orphan posts are removed"
    assert not list((tmp_path / "old_post").iterdir())
    assert store.claim("HALF") and store.claim("NOTHING") and store.claim("POSTONLY")
    assert settle_stale_claims(store, tmp_path) == (0, 0)
    store.close()


def test_own_claims_are_settled_at_the_end_of_a_run(tmp_path):
    (tmp_path / "_posts").mkdir()
    store = SQLiteSeenStore(tmp_path / "dedupe.sqlite3")
    for code in ("LINE", "POST", "NONE"):
        store.claim(code)
    store.reserve_post("POST", "p.md")
    (tmp_path / "_posts" / "p.md").write_text("post without its line")
    (tmp_path / "items.jsonl").write_bytes(line("LINE"))
    assert settle_own_claims(store, tmp_path) == (1, 2)
    assert store.pending_mine() == [] and store.done_codes() == {"LINE"}
    assert not (tmp_path / "_posts" / "p.md").exists()
    store.close()
