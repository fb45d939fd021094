"""Move posts older than ``ARCHIVE_AFTER_DAYS`` from _posts/ to old_post/."""

import logging
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from scrapy import signals

from newscrawler.cleaning.times import BEIJING

logger = logging.getLogger(__name__)

_POST_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-.+\.md")


def archive_old_posts(output_dir: Path, days: int, today: date) -> tuple[int, int]:
    """Move each post dated more than `days` before `today` into
    ``old_post/``; return (moved, kept). A rename is atomic, so a kill loses
    nothing and copies nothing; a different file already in ``old_post/``
    under the same name is never overwritten (the post stays, and is kept)."""
    posts, old = output_dir / "_posts", output_dir / "old_post"
    if not posts.is_dir():
        return 0, 0
    cutoff = today - timedelta(days=days)
    moved = kept = 0
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
        old.mkdir(exist_ok=True)
        target = old / path.name
        if target.exists():
            if target.read_bytes() == path.read_bytes():
                path.unlink()
                moved += 1
            else:
                logger.warning("Not archiving %s: a different %s is in old_post/ already", path.name, path.name)
                kept += 1
            continue
        os.rename(path, target)
        moved += 1
    return moved, kept


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
        moved, kept = archive_old_posts(self.output_dir, self.days, datetime.now(BEIJING).date())
        self.crawler.stats.set_value("newscrawler/archive/moved", moved)
        if kept:
            self.crawler.stats.set_value("newscrawler/archive/kept", kept)
        if moved:
            logger.info("Archived %d posts older than %d days into %s", moved, self.days, self.output_dir / "old_post")
