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
