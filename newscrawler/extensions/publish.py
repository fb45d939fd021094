"""Commit the run's posts into the Jekyll site's git checkout, and push.

Off by default (``PUBLISH_GIT = False``). ``OUTPUT_DIR`` must lie in a git
work tree (the site's checkout). At the end of a run that changed any of
``PUBLISH_PATHS``, one commit says how many posts it adds; with a remote
configured it is pushed, as the old system did after each run.
"""

import logging
import subprocess
from pathlib import Path

from scrapy import signals

from newscrawler.extensions.health import FAILED_STAT

logger = logging.getLogger(__name__)


class PublishError(RuntimeError):
    pass


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=300)
    if proc.returncode:
        raise PublishError(f"git {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


def publish(output_dir: Path, paths: list[str], added: int, push: bool, author: str) -> str | None:
    """Commit `paths` (relative to `output_dir`) and push; return the commit
    id, or None when nothing changed."""
    repo = Path(_git(output_dir, "rev-parse", "--show-toplevel"))
    present = [str((output_dir / p).resolve().relative_to(repo)) for p in paths if (output_dir / p).exists()]
    commit = None
    if present:
        _git(repo, "add", "-A", "--", *present)
        if subprocess.run(["git", "-C", str(repo), "diff", "--cached", "--quiet"]).returncode:
            name, _, email = author.partition(" <")
            identity = ["-c", f"user.name={name}", "-c", f"user.email={email.rstrip('>')}"]
            message = f"newscrawler: add {added} post{'s' if added != 1 else ''}"
            _git(repo, *identity, "commit", "--quiet", "-m", message)
            commit = _git(repo, "rev-parse", "HEAD")
    if push and _git(repo, "remote") and _unpushed(repo):
        # Also the commits of earlier runs whose push failed.
        _git(repo, "push", "--quiet", "-u", _git(repo, "remote").split()[0], "HEAD")
    return commit


def _unpushed(repo: Path) -> bool:
    """Whether HEAD has commits its upstream lacks (or has no upstream)."""
    proc = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "@{upstream}..HEAD"],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode != 0 or proc.stdout.strip() != "0"


class GitPublisher:
    """``PUBLISH_GIT`` (False), ``PUBLISH_PATHS`` (_posts, old_post,
    category), ``PUBLISH_PUSH`` (True: push when a remote exists),
    ``PUBLISH_AUTHOR``. A failure to publish fails the run (exit status 1)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.output_dir = Path(settings["OUTPUT_DIR"])
        self.paths = settings.getlist("PUBLISH_PATHS")
        self.push = settings.getbool("PUBLISH_PUSH")
        self.author = settings["PUBLISH_AUTHOR"]

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        if crawler.settings.getbool("PUBLISH_GIT"):
            crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats
        added = stats.get_value("newscrawler/ledger/done", 0)
        try:
            commit = publish(self.output_dir, self.paths, added, self.push, self.author)
        except (PublishError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
            logger.error("Publishing to git failed: %s", exc)
            stats.set_value("newscrawler/publish/failed", 1)
            stats.set_value(FAILED_STAT, "publish")
            return
        if commit:
            stats.set_value("newscrawler/publish/commit", commit)
            logger.info("Published %d new posts in commit %s", added, commit[:12])
        else:
            logger.info("Nothing new to publish")
