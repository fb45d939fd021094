"""Append one JSON line per new article to ``OUTPUT_DIR/items.jsonl``."""

import json
import logging
import os
from pathlib import Path

from itemadapter import ItemAdapter

logger = logging.getLogger(__name__)

# The fields of SOURCE.md §3, in this order, and no others.
FIELDS = (
    "info_code", "title", "published_at", "media", "category",
    "body_html", "body_text", "share_url", "source", "crawled_at",
)


def repair_partial_last_line(path: Path) -> int:
    """Cut a last line that a killed run left without its newline; return
    how many bytes were cut."""
    if not path.exists():
        return 0
    with open(path, "rb+") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return 0
        keep = 0
        chunk_end = size
        while chunk_end > 0:
            start = max(0, chunk_end - 65536)
            f.seek(start)
            chunk = f.read(chunk_end - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            chunk_end = start
        f.truncate(keep)
        return size - keep


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
        if cut := repair_partial_last_line(self.path):
            logger.warning("Cut a partial last line of %d bytes from %s (left by a killed run)", cut, self.path)
            self.stats.set_value("newscrawler/jsonl/repaired_bytes", cut)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close_spider(self, spider):
        os.close(self.fd)

    def process_item(self, item, spider):
        line = json_line(item)
        # One write() of the whole line on an O_APPEND descriptor: lines of
        # concurrent processes never interleave.
        written = os.write(self.fd, line)
        if written != len(line):
            raise OSError(f"short write to {self.path}: {written} of {len(line)} bytes")
        self.stats.inc_value("newscrawler/jsonl/written")
        return item
