import subprocess
import sys
import time

import pytest

from newscrawler.store import SQLiteSeenStore


@pytest.fixture
def store(tmp_path):
    s = SQLiteSeenStore(tmp_path / "dedupe.sqlite3")
    yield s
    s.close()


def test_claim_once(store):
    assert not store.known("A")
    assert store.claim("A")
    assert store.known("A")
    assert not store.claim("A")
    store.complete("A")
    assert not store.claim("A")
    assert store.done_codes() == {"A"}


def test_release_gives_a_failed_claim_back(store):
    assert store.claim("A")
    store.release("A")
    assert not store.known("A")
    assert store.claim("A")


def test_release_never_undoes_done(store):
    store.claim("A")
    store.complete("A")
    store.release("A")
    assert store.done_codes() == {"A"}


def test_other_stores_on_the_same_file_see_claims(tmp_path, store):
    other = SQLiteSeenStore(tmp_path / "dedupe.sqlite3")
    assert store.claim("A")
    assert other.known("A") and not other.claim("A")
    other.close()


def test_claims_of_a_dead_process_are_released(tmp_path, store):
    # A real child process claims a code and dies without completing it.
    code = (
        "import sys; from newscrawler.store import SQLiteSeenStore;"
        f"s = SQLiteSeenStore({str(tmp_path / 'dedupe.sqlite3')!r}); s.claim('DEAD'); s.claim('DONE'); s.complete('DONE')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert store.known("DEAD") and not store.claim("DEAD")
    assert store.stale_claims() == ["DEAD"]
    store.adopt("DEAD")
    store.release("DEAD")
    assert store.claim("DEAD")
    assert store.done_codes() == {"DONE"}


def test_claims_of_a_live_process_are_not_stale(store):
    store.claim("MINE")
    assert store.stale_claims() == []
    assert store.known("MINE")


def test_old_pending_claims_expire_whatever_their_host(tmp_path):
    s = SQLiteSeenStore(tmp_path / "d.sqlite3", stale_after=0.01)
    s.claim("A")
    time.sleep(0.05)
    assert s.stale_claims() == ["A"]
    s.close()


def test_rejected_codes_are_known_until_due_for_recheck(tmp_path):
    s = SQLiteSeenStore(tmp_path / "d.sqlite3", recheck_after=0.05)
    s.reject("BAD", "no_title")
    assert s.known("BAD")
    time.sleep(0.1)
    assert not s.known("BAD")
    assert s.claim("BAD")
    s.complete("BAD")
    s.reject("BAD", "no_title")
    assert s.done_codes() == {"BAD"}
    s.close()


@pytest.mark.parametrize("code", ["../../etc/passwd", "", "x" * 500, "'; DROP TABLE claims; --", "中文"])
def test_any_string_is_a_key(store, code):
    assert store.claim(code)
    assert store.known(code)


def test_claim_leaves_recently_rejected_codes_alone(tmp_path):
    s = SQLiteSeenStore(tmp_path / "d.sqlite3", recheck_after=3600)
    s.reject("GONE", "not_found")
    assert not s.claim("GONE") and s.known("GONE")
    s.close()


def test_holds_and_reject_of_an_own_claim(tmp_path, store):
    other = SQLiteSeenStore(tmp_path / "dedupe.sqlite3")
    other.owner = "elsewhere:1"
    assert store.claim("MINE") and store.holds("MINE")
    assert not other.holds("MINE")
    other.reject("MINE", "no_title")  # not another process's to reject
    assert store.holds("MINE")
    store.reject("MINE", "no_title")
    assert not store.holds("MINE") and store.known("MINE")
    other.close()


def test_walk_markers(store):
    assert not store.walk_completed("category:dzrb")
    store.complete_walk("category:dzrb")
    store.complete_walk("category:dzrb")
    assert store.walk_completed("category:dzrb") and not store.walk_completed("category:cqrb")
