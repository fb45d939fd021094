"""Append one JSON line per new article to ``OUTPUT_DIR/items.jsonl``."""

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from itemadapter import ItemAdapter

from newscrawler.items import ITEM_FIELDS
from newscrawler.outcomes import ArticleNotWritten

logger = logging.getLogger(__name__)

# The item's fields: SOURCE.md §3's, in its order, then the three the
# feeds carry too (one item shape everywhere).
FIELDS = ITEM_FIELDS


@contextmanager
def locked(fd: int):
    """Every process appending to the file, and every repair, takes this
    lock: a line is never cut, nor appended onto, while another is written."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def cut_partial_tail(fd: int) -> int:
    """With the lock held: cut bytes after the last newline (a line a
    killed or failed writer left unfinished); return how many."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return 0
    keep, end = 0, size
    while end > 0:
        start = max(0, end - 65536)
        newline = os.pread(fd, end - start, start).rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            break
        end = start
    os.ftruncate(fd, keep)
    return size - keep


def repair_partial_last_line(path: Path) -> int:
    """Cut a partial last line of the file at `path`, under the lock."""
    if not path.exists():
        return 0
    fd = os.open(path, os.O_RDWR)
    try:
        with locked(fd):
            return cut_partial_tail(fd)
    finally:
        os.close(fd)


def append_line(fd: int, line: bytes) -> int:
    """Append `line` whole or not at all, under the lock: a write that fails
    part-way (a full disk) is cut off again. Return the bytes of a partial
    line left by someone else that were cut first."""
    with locked(fd):
        repaired = cut_partial_tail(fd)
        size = os.fstat(fd).st_size
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
        except BaseException:
            os.ftruncate(fd, size)
            raise
    return repaired


def json_line(item) -> bytes:
    adapter = ItemAdapter(item)
    record = {name: adapter.get(name) for name in FIELDS}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class JsonLinesPipeline:
    def __init__(self, path: Path, stats):
        self.path = path
        self.stats = stats
        self.fd = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Path(crawler.settings["OUTPUT_DIR"]) / "items.jsonl", crawler.stats)

    def open_spider(self, spider):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_RDWR, not O_WRONLY: cut_partial_tail reads the file's end.
        self.fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        with locked(self.fd):
            self._repaired(cut_partial_tail(self.fd))

    def close_spider(self, spider):
        if self.fd is not None:
            os.close(self.fd)

    def _repaired(self, cut: int) -> None:
        if cut:
            logger.warning("Cut a partial last line of %d bytes from %s (left by a killed run)", cut, self.path)
            self.stats.inc_value("newscrawler/jsonl/repaired_bytes", cut)

    def process_item(self, item, spider):
        try:
            line = json_line(item)
            self._repaired(append_line(self.fd, line))
        except (OSError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            raise ArticleNotWritten.from_error("items.jsonl", exc) from None
        self.stats.inc_value("newscrawler/jsonl/written")
        return item
