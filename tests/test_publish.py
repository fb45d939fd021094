"""Publish into a git checkout of the site, pushing to a local bare repository."""

import subprocess

import pytest

from newscrawler.replica import Corpus, ReplicaServer
from tests.crawling import crawl


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def checkout(tmp_path):
    bare = tmp_path / "site.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    work = tmp_path / "site"
    git("clone", "--quiet", str(bare), str(work))
    (work / "index.md").write_text("# site\n")
    (work / ".gitignore").write_text("items.jsonl\ndedupe.sqlite3*\n")
    git("add", ".", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "init", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    return bare, work


def test_one_commit_per_run_pushed(checkout, tmp_path):
    bare, work = checkout
    corpus = Corpus.generate(size=30, seed=71)
    with ReplicaServer(corpus) as replica:
        first = crawl(work, replica.url, "-s", "PUBLISH_GIT=True")
        second = crawl(work, replica.url, "-s", "PUBLISH_GIT=True")
    assert first.returncode == 0, first.log[-2000:]
    written = first.summary["written"]
    log = git("log", "--format=%s", "main", cwd=bare).splitlines()
    assert log == [f"newscrawler: add {written} posts", "init"]
    files = git("ls-tree", "-r", "--name-only", "main", cwd=bare).splitlines()
    assert len([f for f in files if f.startswith("_posts/")]) == written
    assert any(f.startswith("category/") for f in files)
    assert "items.jsonl" not in files and not any(f.startswith("dedupe") for f in files)
    assert second.returncode == 0 and "Nothing new to publish" in second.log
    assert len(git("log", "--format=%s", "main", cwd=bare).splitlines()) == 2


def test_failed_push_fails_the_run_and_the_next_run_pushes_it(checkout, tmp_path):
    bare, work = checkout
    remote = git("remote", "get-url", "origin", cwd=work)
    git("remote", "set-url", "origin", str(tmp_path / "missing.git"), cwd=work)
    with ReplicaServer(Corpus.generate(size=10, seed=72)) as replica:
        result = crawl(work, replica.url, "-s", "PUBLISH_GIT=True")
        assert result.returncode == 1
        assert "Publishing to git failed" in result.log
        assert git("log", "-1", "--format=%s", cwd=work).startswith("newscrawler: add")
        git("remote", "set-url", "origin", remote, cwd=work)
        nothing_new = crawl(work, replica.url, "-s", "PUBLISH_GIT=True")
    assert nothing_new.returncode == 0, nothing_new.log[-2000:]
    assert git("log", "-1", "--format=%s", "main", cwd=bare).startswith("newscrawler: add"), \
        "the commit whose push failed is pushed by the next run, even with nothing new"


def test_publish_outside_a_checkout_fails_clearly(tmp_path):
    with ReplicaServer(Corpus.generate(size=10, seed=73)) as replica:
        result = crawl(tmp_path / "not-a-repo", replica.url, "-s", "PUBLISH_GIT=True")
    assert result.returncode == 1
    assert "Publishing to git failed" in result.log and "Traceback" not in result.log
