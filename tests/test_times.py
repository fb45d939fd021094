import random
from datetime import datetime, timedelta, timezone

import pytest

from newscrawler.cleaning.times import BEIJING, parse_source_time

NOW = datetime(2026, 3, 10, 14, 30, 45, tzinfo=BEIJING)


def bj(*args):
    return datetime(*args, tzinfo=BEIJING)


@pytest.mark.parametrize(
    "raw, expected",
    [
        # absolute shapes
        ("2022-01-18 09:52:28", bj(2022, 1, 18, 9, 52, 28)),
        ("2022-01-18 09:52", bj(2022, 1, 18, 9, 52)),
        ("2022/01/18 09:52", bj(2022, 1, 18, 9, 52)),
        ("2022年1月18日 09:52", bj(2022, 1, 18, 9, 52)),
        ("2022年01月18日 09:52:28", bj(2022, 1, 18, 9, 52, 28)),
        ("2022-1-8 9:05", bj(2022, 1, 8, 9, 5)),
        ("2022-01-18", bj(2022, 1, 18)),
        ("2022-01-18T01:52:28Z", bj(2022, 1, 18, 9, 52, 28)),
        ("2022-01-18T09:52:28+08:00", bj(2022, 1, 18, 9, 52, 28)),
        ("  2022-01-18 09:52:28\u3000", bj(2022, 1, 18, 9, 52, 28)),
        ("２０２２－０１－１８　０９：５２", bj(2022, 1, 18, 9, 52)),  # full-width
        # epoch milliseconds and seconds, as number or text, and .NET dates
        (1642470748000, bj(2022, 1, 18, 9, 52, 28)),
        ("1642470748000", bj(2022, 1, 18, 9, 52, 28)),
        (1642470748, bj(2022, 1, 18, 9, 52, 28)),
        ("/Date(1642470748000)/", bj(2022, 1, 18, 9, 52, 28)),
        ("/Date(1642470748000+0800)/", bj(2022, 1, 18, 9, 52, 28)),
        # year-less: this year, unless that is in the future
        ("01-18 09:52", bj(2026, 1, 18, 9, 52)),
        ("03-10 14:00", bj(2026, 3, 10, 14, 0)),
        ("11-20 09:30", bj(2025, 11, 20, 9, 30)),
        ("4月20日 18:10", bj(2025, 4, 20, 18, 10)),
        ("3月9日 18:10", bj(2026, 3, 9, 18, 10)),
        # relative to now
        ("今天 09:52", bj(2026, 3, 10, 9, 52)),
        ("昨天 09:52", bj(2026, 3, 9, 9, 52)),
        ("前天 23:59", bj(2026, 3, 8, 23, 59)),
        ("5分钟前", bj(2026, 3, 10, 14, 25, 45)),
        ("2小时前", bj(2026, 3, 10, 12, 30, 45)),
        ("30秒前", bj(2026, 3, 10, 14, 30, 15)),
        ("3天前", bj(2026, 3, 7, 14, 30, 45)),
        ("刚刚", NOW),
    ],
)
def test_shapes(raw, expected):
    parsed = parse_source_time(raw, NOW)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "时间待定", "未知", "2022-13-01 09:00", "2022-02-30", "25:61", "02-30 10:00",
     "昨天 25:00", "1" * 200, "<script>", "2022-01-18 09:52:28; DROP TABLE", True, "NaN", "-5分钟前",
     "\x00\x01", "9" * 13 + "9999", [], {}],
)
def test_unparsable_gives_none(raw):
    assert parse_source_time(raw, NOW) is None


def test_now_in_another_zone_is_converted():
    utc_now = NOW.astimezone(timezone.utc)
    assert parse_source_time("今天 09:52", utc_now) == bj(2026, 3, 10, 9, 52)


def test_new_year_rollover():
    jan_first = bj(2027, 1, 1, 0, 30)
    assert parse_source_time("12-31 23:50", jan_first) == bj(2026, 12, 31, 23, 50)
    assert parse_source_time("昨天 23:50", jan_first) == bj(2026, 12, 31, 23, 50)
    assert parse_source_time("1小时前", jan_first) == bj(2026, 12, 31, 23, 30)


def test_leap_day_without_year_means_the_last_one_that_exists():
    assert parse_source_time("02-29 10:00", bj(2025, 3, 1, 0, 0)) == bj(2024, 2, 29, 10, 0)
    assert parse_source_time("02-29 10:00", bj(2026, 3, 1, 0, 0)) is None
    assert parse_source_time("02-29 10:00", bj(2028, 3, 1, 0, 0)) == bj(2028, 2, 29, 10, 0)


@pytest.mark.parametrize(
    "raw",
    [
        # JSON NaN and Infinity, as Python's json reads them
        float("nan"), float("inf"), float("-inf"),
        # numbers no clock can hold
        pytest.param(10**400, id="10**400"), pytest.param(-(10**400), id="-10**400"), 10**20, -(10**15),
        # outside the plausible range: before 1980, or over a day after now
        "0001-01-01 00:00:00", "0001-01-01T00:00:00+09:00", "1979-12-31 23:59:59",
        "9999-12-31 23:59:59", "9999-12-31T23:59:59-01:00", "2026-03-11 14:30:46", "2027-01-01",
        0, "0000000000", "/Date(-1)/", "/Date(253402300799000)/",
        # relative shapes past the start of the calendar
        "99999999天前", "9999999999分钟前", "999999999999小时前",
        # offsets no zone has (timezone() refuses 24 hours or more)
        "2024-05-06T07:08:09+99:00", "2024-05-06T07:08:09+24:00", "2024-05-06T07:08:09-2500",
        "2024-05-06T07:08:09+15:00", "2024-05-06T07:08:09+08:60",
    ],
)
def test_hostile_or_implausible_gives_none(raw):
    assert parse_source_time(raw, NOW) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1980-01-01 00:00:00", bj(1980, 1, 1)),
        ("2026-03-11 14:30:45", NOW + timedelta(days=1)),  # a day ahead: a clock a little off
        (1642470748000.0, bj(2022, 1, 18, 9, 52, 28)),
    ],
)
def test_the_edges_of_the_plausible_range(raw, expected):
    assert parse_source_time(raw, NOW) == expected


def test_never_raises_and_stays_in_range():
    pieces = ["0001", "9999", "2022", "99999999999", "1642470748000", "-", "/", ".", "年", "月", "日", " ",
              "T", ":", "：", "Z", "+09:00", "-14:00", "+99:00", "-2500", "+24:00", "天前", "分钟前", "小时前", "秒前", "今天", "昨天",
              "/Date(", ")/", "99", "12", "0", "NaN", "\ud800", "\u3000", "刚刚"]
    rng = random.Random(9)
    for _ in range(20000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 9)))
        parsed = parse_source_time(raw, NOW)
        assert parsed is None or bj(1980, 1, 1) <= parsed <= NOW + timedelta(days=1), raw
