import subprocess
import sys
from datetime import date

from newscrawler.extensions.archive import Archived, archive_old_posts
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store import SQLiteSeenStore
from tests.crawling import crawl
from tests.disks import immutable, tiny_filesystem


def make_posts(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f"post {name}", encoding="utf-8")


def test_archive_moves_old_posts_only(tmp_path):
    posts, old = tmp_path / "_posts", tmp_path / "old_post"
    make_posts(posts, [
        "2026-11-25-NWTODAY.md", "2026-11-22-NWEDGE.md", "2026-11-21-NWOLD1.md", "2025-01-01-NWOLD2.md",
        "2026-11-20-NWSAME.md", "2026-11-19-NWCLASH.md", "2026-02-30-NWBADDATE.md", "notes.txt", ".tmp-x",
    ])
    make_posts(old, ["2026-11-20-NWSAME.md", "2026-11-19-NWCLASH.md"])
    (old / "2026-11-19-NWCLASH.md").write_text("a different post", encoding="utf-8")

    done = archive_old_posts(tmp_path, 3, date(2026, 11, 25))

    assert (done.moved, done.kept, done.failed) == (3, 1, 0)
    assert sorted(p.name for p in posts.iterdir()) == [
        ".tmp-x", "2026-02-30-NWBADDATE.md", "2026-11-19-NWCLASH.md", "2026-11-22-NWEDGE.md",
        "2026-11-25-NWTODAY.md", "notes.txt"]
    assert sorted(p.name for p in old.iterdir()) == [
        "2025-01-01-NWOLD2.md", "2026-11-19-NWCLASH.md", "2026-11-20-NWSAME.md", "2026-11-21-NWOLD1.md"]
    assert (old / "2026-11-19-NWCLASH.md").read_text(encoding="utf-8") == "a different post"
    assert (posts / "2026-11-19-NWCLASH.md").read_text(encoding="utf-8") == "post 2026-11-19-NWCLASH.md"
    assert archive_old_posts(tmp_path, 3, date(2026, 11, 25)) == Archived(kept=1)


def test_no_posts_folder_is_fine(tmp_path):
    assert archive_old_posts(tmp_path, 3, date(2026, 11, 25)) == Archived()


def test_a_post_that_cannot_be_moved_does_not_stop_the_others(tmp_path):
    posts = tmp_path / "_posts"
    make_posts(posts, ["2026-11-01-NWA.md", "2026-11-02-NWB.md", "2026-11-03-NWC.md"])
    with immutable(posts / "2026-11-02-NWB.md"):
        done = archive_old_posts(tmp_path, 3, date(2026, 11, 25))
    assert (done.moved, done.failed) == (2, 1) and "2026-11-02-NWB.md" in done.first_error
    assert [p.name for p in posts.iterdir()] == ["2026-11-02-NWB.md"]


def test_old_post_on_another_filesystem(tmp_path):
    posts = tmp_path / "_posts"
    make_posts(posts, ["2026-11-01-NWA.md", "2026-11-24-NWNEW.md"])
    with tiny_filesystem(tmp_path / "old_post", "1m"):
        done = archive_old_posts(tmp_path, 3, date(2026, 11, 25))
        assert (done.moved, done.failed) == (1, 0)
        assert (tmp_path / "old_post" / "2026-11-01-NWA.md").read_text(encoding="utf-8") == "post 2026-11-01-NWA.md"
    assert [p.name for p in posts.iterdir()] == ["2026-11-24-NWNEW.md"]


def test_two_archivers_at_once(tmp_path):
    posts = tmp_path / "_posts"
    make_posts(posts, [f"2026-10-{day:02d}-NW{n}.md" for day in range(1, 29) for n in range(20)])
    code = (f"from datetime import date; from pathlib import Path; from newscrawler.extensions.archive import "
            f"archive_old_posts; d = archive_old_posts(Path({str(tmp_path)!r}), 3, date(2026, 11, 25)); "
            "print(d.moved, d.failed)")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    results = [tuple(map(int, p.communicate(timeout=120)[0].split())) for p in procs]
    assert sum(moved for moved, _ in results) == 28 * 20 and all(failed == 0 for _, failed in results)
    assert not list(posts.iterdir()) and len(list((tmp_path / "old_post").iterdir())) == 28 * 20


def test_crawl_archives_and_still_knows_archived_articles(tmp_path):
    corpus = Corpus.generate(size=150, seed=61)
    out = tmp_path / "out"
    with ReplicaServer(corpus) as replica:
        first = crawl(out, replica.url, "-s", "ARCHIVE_AFTER_DAYS=1")
        again = crawl(out, replica.url, "-s", "ARCHIVE_AFTER_DAYS=1")
    assert first.returncode == 0, first.log[-2000:]
    current = {p.name for p in (out / "_posts").iterdir()}
    archived = {p.name for p in (out / "old_post").iterdir()}
    assert current and archived and not current & archived
    assert len(current | archived) == len(corpus.writable()) == first.summary["written"]
    assert "Archived" in first.log
    assert again.summary["written"] == 0 and again.summary["article_requests"] == 0
    store = SQLiteSeenStore(out / "dedupe.sqlite3")
    assert {name[11:-3] for name in archived} <= store.done_codes()
    store.close()
