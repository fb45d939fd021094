"""Which kind of page of the source (SOURCE.md §1) a URL is. `scrapy parse
URL` picks the spider and its callback by it; the crawl itself names each
request's callback and never asks."""

import re
from urllib.parse import parse_qs, urlsplit

INDEX, LISTING, ARTICLE, SHARE = "category index", "category listing", "text endpoint", "share page"
MEDIA_FEED, MARKET_FEED, ROLLING_FEED = "media news feed", "market news feed", "rolling news feed"

_LISTING = re.compile(r"/category/[^/]+\.html")


def _parts(url: str, base_url: str = "") -> tuple[str, dict[str, list[str]]]:
    """The URL's path below `base_url`'s path, and its query."""
    parts = urlsplit(url)
    prefix = urlsplit(base_url).path.rstrip("/")
    path = parts.path[len(prefix):] if prefix and parts.path.startswith(prefix + "/") else parts.path
    return path, parse_qs(parts.query)


def page_kind(url: str, base_url: str = "") -> str | None:
    """The kind of page `url` is on a site at `base_url`; None for a URL
    that is none of the source's pages."""
    path, query = _parts(url, base_url)
    if path in ("/category", "/category/"):
        return INDEX
    if _LISTING.fullmatch(path):
        return LISTING
    if path == "/NewsData/GetNewsText.do" and query.get("id"):
        return ARTICLE
    if path == "/html_News/NewsShare.html" and query.get("infoCode"):
        return SHARE
    if path == "/web/webapi":
        return {"45": MEDIA_FEED, "102": ROLLING_FEED}.get(query.get("type", [""])[0])
    if path == "/information/newmarket/web/webapi" and query.get("marketType"):
        return MARKET_FEED
    return None


def article_code(url: str) -> str:
    """The infoCode a text endpoint or share page URL asks for."""
    _, query = _parts(url)
    return (query.get("id") or query.get("infoCode") or [""])[0]


def listing_page_number(url: str) -> int:
    """The page of a listing URL (``?page=N``; 1 without one)."""
    _, query = _parts(url)
    page = query.get("page", ["1"])[0]
    return int(page) if page.isdigit() and int(page) > 0 else 1
