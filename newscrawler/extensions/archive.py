"""Move posts older than ``ARCHIVE_AFTER_DAYS`` from _posts/ to old_post/."""

import errno
import logging
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from scrapy import signals

from newscrawler.cleaning.times import BEIJING
from newscrawler.extensions.health import FAILED_STAT
from newscrawler.files import create_new

logger = logging.getLogger(__name__)

_POST_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-.+\.md")


@dataclass
class Archived:
    moved: int = 0
    kept: int = 0
    """Posts left in _posts/: a different file is in old_post/ under the name."""
    failed: int = 0
    first_error: str = ""


def move_post(path: Path, target: Path) -> str:
    """Move one post into old_post/ without ever replacing a file there:
    ``moved``, ``kept`` (a different file has the name) or ``gone``
    (another process moved it first). A kill in between leaves the post in
    both folders, the same bytes: the next run finishes the move."""
    try:
        try:
            os.link(path, target)
        except FileExistsError:
            if target.read_bytes() != path.read_bytes():
                return "kept"
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            try:  # old_post/ on another filesystem: a copy, written whole
                create_new(target, path.read_bytes())
            except FileExistsError:
                if target.read_bytes() != path.read_bytes():
                    return "kept"
        path.unlink()
    except FileNotFoundError:  # another process archived it first
        return "gone"
    return "moved"


def archive_old_posts(output_dir: Path, days: int, today: date) -> Archived:
    """Move each post dated more than `days` before `today` into
    ``old_post/``. A post that cannot be moved is counted and the others go
    on; a different file already in ``old_post/`` under the same name is
    never overwritten (the post stays, and is kept)."""
    posts, old = output_dir / "_posts", output_dir / "old_post"
    done = Archived()
    if not posts.is_dir():
        return done
    cutoff = today - timedelta(days=days)
    for path in sorted(posts.iterdir()):
        match = _POST_NAME.fullmatch(path.name)
        if not match:
            continue
        try:
            posted = date(*map(int, match.groups()))
        except ValueError:
            continue
        if posted >= cutoff:
            continue
        try:
            old.mkdir(exist_ok=True)
            outcome = move_post(path, old / path.name)
        except OSError as exc:
            done.failed += 1
            done.first_error = done.first_error or f"{path.name}: {exc.strerror or exc}"
            continue
        if outcome == "moved":
            done.moved += 1
        elif outcome == "kept":
            logger.warning("Not archiving %s: a different %s is in old_post/ already", path.name, path.name)
            done.kept += 1
    return done


class ArchiveOldPosts:
    """``ARCHIVE_AFTER_DAYS`` (default None: off; the old system kept 3)."""

    def __init__(self, crawler, days: int):
        self.crawler = crawler
        self.days = days
        self.output_dir = Path(crawler.settings["OUTPUT_DIR"])

    @classmethod
    def from_crawler(cls, crawler):
        days = crawler.settings.get("ARCHIVE_AFTER_DAYS")
        ext = cls(crawler, None if days in (None, "") else int(days))
        if ext.days is not None:
            crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider, reason):
        done = archive_old_posts(self.output_dir, self.days, datetime.now(BEIJING).date())
        stats = self.crawler.stats
        stats.set_value("newscrawler/archive/moved", done.moved)
        if done.kept:
            stats.set_value("newscrawler/archive/kept", done.kept)
        if done.moved:
            logger.info("Archived %d posts older than %d days into %s", done.moved, self.days,
                        self.output_dir / "old_post")
        if done.failed:
            stats.set_value("newscrawler/archive/failed", done.failed)
            stats.set_value(FAILED_STAT, "archive")
            logger.error("Could not archive %d posts (the first: %s); they stay in _posts/", done.failed,
                         done.first_error)
