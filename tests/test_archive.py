from datetime import date

from newscrawler.extensions.archive import archive_old_posts
from newscrawler.replica import Corpus, ReplicaServer
from newscrawler.store import SQLiteSeenStore
from tests.crawling import crawl


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

    moved, kept = archive_old_posts(tmp_path, 3, date(2026, 11, 25))

    assert (moved, kept) == (3, 1)
    assert sorted(p.name for p in posts.iterdir()) == [
        ".tmp-x", "2026-02-30-NWBADDATE.md", "2026-11-19-NWCLASH.md", "2026-11-22-NWEDGE.md",
        "2026-11-25-NWTODAY.md", "notes.txt"]
    assert sorted(p.name for p in old.iterdir()) == [
        "2025-01-01-NWOLD2.md", "2026-11-19-NWCLASH.md", "2026-11-20-NWSAME.md", "2026-11-21-NWOLD1.md"]
    assert (old / "2026-11-19-NWCLASH.md").read_text(encoding="utf-8") == "a different post"
    assert (posts / "2026-11-19-NWCLASH.md").read_text(encoding="utf-8") == "post 2026-11-19-NWCLASH.md"
    assert archive_old_posts(tmp_path, 3, date(2026, 11, 25)) == (0, 1)


def test_no_posts_folder_is_fine(tmp_path):
    assert archive_old_posts(tmp_path, 3, date(2026, 11, 25)) == (0, 0)


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
