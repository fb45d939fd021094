"""The JSON list feeds: media news, market news, rolling news."""

import json
import re
from dataclasses import dataclass

from scrapy.http import TextResponse

from newscrawler.logformatter import short_repr
from newscrawler.pages.article import BadArticleAnswer
from newscrawler.pages.listing import ListingEntry


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class RollingEntry(ListingEntry):
    """An entry of 东财滚动新闻, with what its own post layout needs."""

    rolling_id: str = ""
    digest: str = ""
    url_w: str = ""


def _records(response: TextResponse, key: str) -> list[dict]:
    try:
        data = json.loads(response.text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested thousands deep
        raise BadArticleAnswer(f"feed is not JSON: {type(exc).__name__}: {short_repr(str(exc))}") from None
    records = data.get(key) if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise BadArticleAnswer(f"feed has no {key!r} list")
    return [r for r in records if isinstance(r, dict)]


def _text(value) -> str:
    # JSON may escape half a UTF-16 pair ("\ud800"): no encoder writes it.
    return "" if value is None else _LONE_SURROGATE.sub("\ufffd", str(value))


def _share_url(response: TextResponse, code: str) -> str:
    return response.urljoin(f"/html_News/NewsShare.html?infoCode={code}")


def parse_media_feed(response: TextResponse) -> list[ListingEntry]:
    """``/web/webapi?type=45``: ``{"nodeList": [{infocode, title, from, showtime}]}``."""
    return [
        ListingEntry(_text(r.get("infocode")).strip(), _text(r.get("title")), _text(r.get("showtime")),
                     _share_url(response, _text(r.get("infocode"))), media=_text(r.get("from")) or None)
        for r in _records(response, "nodeList")
    ]


def parse_market_feed(response: TextResponse) -> list[ListingEntry]:
    """``/information/newmarket/web/webapi?marketType=N``:
    ``{"record": [{infoCode, title, medianame, datetime}]}``."""
    return [
        ListingEntry(_text(r.get("infoCode")).strip(), _text(r.get("title")), _text(r.get("datetime")),
                     _share_url(response, _text(r.get("infoCode"))), media=_text(r.get("medianame")) or None)
        for r in _records(response, "record")
    ]


def parse_rolling_feed(response: TextResponse) -> list[RollingEntry]:
    """``/web/webapi?type=102``: ``{"records": [{id, infoCode, title, digest, showtime, url_w}]}``."""
    return [
        RollingEntry(_text(r.get("infoCode")).strip(), _text(r.get("title")), _text(r.get("showtime")),
                     _share_url(response, _text(r.get("infoCode"))), rolling_id=_text(r.get("id")).strip(),
                     digest=_text(r.get("digest")), url_w=_text(r.get("url_w")).strip())
        for r in _records(response, "records")
    ]
