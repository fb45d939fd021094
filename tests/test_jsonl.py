import errno
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.outcomes import ArticleNotWritten
from newscrawler.pipelines.jsonl import JsonLinesPipeline, repair_partial_last_line
from newscrawler.settings import FEED_EXPORT_FIELDS
from tests.articles import article

# SOURCE.md §3's fields in its order, then the fields the feeds carry too.
SOURCE_FIELDS = ["info_code", "title", "published_at", "media", "category",
                 "body_html", "body_text", "share_url", "source", "crawled_at"]
LINE_FIELDS = SOURCE_FIELDS + ["published_raw", "rolling_id", "digest"]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", b""),
        (b'{"a": 1}\n', b'{"a": 1}\n'),
        (b'{"a": 1}\n{"b": 2}\n{"c"', b'{"a": 1}\n{"b": 2}\n'),
        (b'{"only": "partial', b""),
        (b'{"a": 1}\n' + b"x" * 200000, b'{"a": 1}\n'),
    ],
)
def test_repair_partial_last_line(tmp_path, content, expected):
    path = tmp_path / "items.jsonl"
    path.write_bytes(content)
    assert repair_partial_last_line(path) == len(content) - len(expected)
    assert path.read_bytes() == expected


def test_missing_file_needs_no_repair(tmp_path):
    assert repair_partial_last_line(tmp_path / "nope.jsonl") == 0


def test_lines_are_appended_utf8_in_field_order(tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider(None)
    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"earlier": "run"}\n{"cut')
    pipeline = JsonLinesPipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    pipeline.process_item(article(), None)
    pipeline.process_item(article(info_code="NW2", title='引号"与\\'), None)
    pipeline.close_spider(None)
    raw = path.read_text(encoding="utf-8")
    lines = raw.splitlines()
    assert lines[0] == '{"earlier": "run"}'
    assert "五大举措" in lines[1] and "\\u" not in lines[1]
    records = [json.loads(line) for line in lines[1:]]
    assert [list(r) for r in records] == [LINE_FIELDS] * 2
    assert records[1]["title"] == '引号"与\\'
    assert crawler.stats.get_value("newscrawler/jsonl/written") == 2
    assert crawler.stats.get_value("newscrawler/jsonl/repaired_bytes") == len('{"cut')


def test_a_line_has_the_fields_of_the_feeds_in_one_order(tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider(None)
    pipeline = JsonLinesPipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    pipeline.process_item(article(rolling_id="202201181234", digest="摘要", published_raw="01-18 09:52"), None)
    pipeline.close_spider(None)
    line = json.loads((tmp_path / "items.jsonl").read_text(encoding="utf-8"))
    assert list(line) == LINE_FIELDS == FEED_EXPORT_FIELDS
    assert (line["published_raw"], line["rolling_id"], line["digest"]) == ("01-18 09:52", "202201181234", "摘要")


def test_a_short_write_is_cut_off_again(tmp_path, monkeypatch):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider(None)
    pipeline = JsonLinesPipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    pipeline.process_item(article(info_code="NW1"), None)
    real_write = os.write
    calls = []

    def disk_fills(fd, data):  # the kernel writes what fits, then says ENOSPC
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_fills)
    with pytest.raises(ArticleNotWritten) as raised:
        pipeline.process_item(article(info_code="NW2"), None)
    assert raised.value.kind == "ENOSPC" and raised.value.environment
    monkeypatch.setattr(os, "write", real_write)
    pipeline.process_item(article(info_code="NW3"), None)
    pipeline.close_spider(None)
    codes = [json.loads(line)["info_code"] for line in (tmp_path / "items.jsonl").read_text().splitlines()]
    assert codes == ["NW1", "NW3"]


def test_a_partial_line_of_a_dead_writer_is_cut_before_appending(tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider(None)
    pipeline = JsonLinesPipeline.from_crawler(crawler)
    pipeline.open_spider(None)
    with open(tmp_path / "items.jsonl", "ab") as other:  # a process killed mid-line, meanwhile
        other.write(b'{"info_code": "KILLED", "ti')
    pipeline.process_item(article(info_code="NW1"), None)
    pipeline.close_spider(None)
    lines = (tmp_path / "items.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["info_code"] for line in lines] == ["NW1"]
    assert crawler.stats.get_value("newscrawler/jsonl/repaired_bytes") == len(b'{"info_code": "KILLED", "ti')


APPENDER = """
import json, os, sys
from newscrawler.pipelines.jsonl import append_line
fd = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
pad = json.dumps("长" * int(sys.argv[3]), ensure_ascii=False).encode()
for i in range(int(sys.argv[4])):
    append_line(fd, b'{"writer": "%s", "i": %d, "pad": %s}\\n' % (sys.argv[2].encode(), i, pad))
"""


def test_writers_killed_mid_line_never_damage_other_lines(tmp_path):
    # Lines of ~1.5 MB take long enough to write that SIGKILL lands in the
    # middle of one: the kernel leaves the part written so far.
    path = tmp_path / "items.jsonl"
    rng = random.Random(3)
    # Most of each writer's time is in write(): about a third of the kills
    # leave a partial line (seen with plain os.write appends, which then
    # wrote whole lines onto it).
    for _ in range(4):
        procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), f"w{n}", "500000", "10"])
                 for n in range(4)]
        start, deadline = path.stat().st_size if path.exists() else 0, time.monotonic() + 60
        while (path.stat().st_size if path.exists() else 0) < start + 6_000_000 and time.monotonic() < deadline:
            time.sleep(0.01)
        for victim in rng.sample(procs, 3):
            victim.send_signal(signal.SIGKILL)
            time.sleep(rng.uniform(0, 0.05))
        for proc in procs:
            proc.wait(timeout=120)
    assert repair_partial_last_line(path) >= 0
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    assert lines[-1] == b""
    records = [json.loads(line) for line in lines[:-1]]
    assert len(records) > 10
    assert all(len(r["pad"]) == 500000 for r in records)
