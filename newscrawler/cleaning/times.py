"""Parse the many shapes of source times into Beijing time.

Every function here is pure: relative shapes (``5分钟前``, ``昨天 09:52``,
``01-18 09:52``) are resolved against the `now` the caller passes in.
A time outside the plausible range (before `EARLIEST`, or more than
`FUTURE_SLACK` after now) is no time: year 0001 and 9999, NaN and Infinity
are broken values, and Jekyll never shows a post dated in the future.
"""

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

# A year-less date more than this far in the future is last year's, and a
# time further ahead than this is no time (a source clock a little off is
# forgiven).
FUTURE_SLACK = timedelta(days=1)
EARLIEST = datetime(1980, 1, 1, tzinfo=BEIJING)
_MAX_LEN = 64

_CLOCK = r"(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?"
_FULL_DATE = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T)" + _CLOCK + r")?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}))?"
)
_MONTH_DAY = re.compile(
    r"(?P<m>\d{1,2})\s*(?:[-/]|月)\s*(?P<d>\d{1,2})\s*日?(?:\s+" + _CLOCK + ")?"
)
_DAY_WORD = re.compile(r"(?P<word>今天|昨天|前天)\s*(?:" + _CLOCK + ")?")
_AGO = re.compile(r"(?P<n>\d+)\s*(?P<unit>秒|分钟|分|小时|天)前")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "分": "minutes", "小时": "hours", "天": "days"}
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_DOTNET_DATE = re.compile(r"/Date\((?P<ms>-?\d+)(?P<tz>[+-]\d{4})?\)/")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")


def _at(y, m, d, hh=0, mm=0, ss=0):
    try:
        return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=BEIJING)
    except ValueError:
        return None


def _from_epoch(value: int | float) -> datetime | None:
    try:
        seconds = value / 1000 if abs(value) >= 10**11 else value
        return datetime.fromtimestamp(int(seconds), timezone.utc).astimezone(BEIJING)
    except (OverflowError, OSError, ValueError):  # NaN, Infinity, past year 9999
        return None


def _full_date(match, now):
    g = match.groupdict()
    parsed = _at(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"])
    if parsed is None or not g["tz"]:
        return parsed
    if g["tz"] == "Z":
        offset = timezone.utc
    else:
        sign = -1 if g["tz"][0] == "-" else 1
        hours, minutes = int(g["tz"][1:3]), int(g["tz"][-2:])
        if hours > 14 or minutes > 59:  # no zone is further from UTC (+24:00 makes timezone() raise)
            return None
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return parsed.replace(tzinfo=offset).astimezone(BEIJING)
    except (OverflowError, ValueError):  # year 1 or 9999 shifted off the calendar
        return None


def _month_day(match, now):
    g = match.groupdict()
    this_year = _at(now.year, g["m"], g["d"], g["H"], g["M"], g["S"])
    if this_year is not None and this_year <= now + FUTURE_SLACK:
        return this_year
    return _at(now.year - 1, g["m"], g["d"], g["H"], g["M"], g["S"])


def _day_word(match, now):
    g = match.groupdict()
    day = now - timedelta(days=_DAYS_BACK[g["word"]])
    return _at(day.year, day.month, day.day, g["H"], g["M"], g["S"])


def _ago(match, now):
    try:
        return now - timedelta(**{_AGO_UNITS[match["unit"]]: int(match["n"])})
    except OverflowError:  # further back than the calendar goes
        return None


def parse_source_time(raw: object, now: datetime) -> datetime | None:
    """Return `raw` as an aware datetime in Beijing time, or None when it
    has no time or an implausible one (see the module's docstring).

    `raw` is a string in any shape of SOURCE.md §2, or epoch milliseconds
    (seconds too) as a number. `now` is an aware datetime: the crawl time.
    """
    now = now.astimezone(BEIJING).replace(microsecond=0)
    parsed = _parse(raw, now)
    if parsed is None or not EARLIEST <= parsed <= now + FUTURE_SLACK:
        return None
    return parsed


def _parse(raw: object, now: datetime) -> datetime | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        return _from_epoch(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text or len(text) > _MAX_LEN:
        return None
    if text == "刚刚":
        return now
    if _EPOCH.fullmatch(text):
        return _from_epoch(int(text))
    if match := _DOTNET_DATE.fullmatch(text):
        return _from_epoch(int(match["ms"]))
    for pattern, resolve in (
        (_FULL_DATE, _full_date),
        (_AGO, _ago),
        (_DAY_WORD, _day_word),
        (_MONTH_DAY, _month_day),
    ):
        if match := pattern.fullmatch(text):
            return resolve(match, now)
    return None
