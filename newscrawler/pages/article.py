"""An article, from the text endpoint's JSON answer."""

import json
from datetime import datetime, timezone

from newscrawler.items import NewsArticle
from newscrawler.loaders import NewsArticleLoader
from newscrawler.pages.listing import ListingEntry


class BadArticleAnswer(ValueError):
    """The text endpoint answered something that is not an article."""


class ArticleNotFound(LookupError):
    """The text endpoint says the article does not exist (any more)."""


def _decode(body: bytes) -> tuple[str, str]:
    """The body as text, and how it was read: UTF-8 as promised; a few bad
    bytes become U+FFFD; a body that is mostly not UTF-8 is read as GB18030
    (a source that mislabels its charset)."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    replaced = body.decode("utf-8", errors="replace")
    if replaced.count("\ufffd") * 100 > len(replaced):
        try:
            return body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return replaced, "utf-8-replaced"


def decode_text_endpoint(body: bytes) -> tuple[dict, str]:
    """The JSON object of a text endpoint answer and the encoding it was
    read with; `BadArticleAnswer` for a cut-off or garbled body,
    `ArticleNotFound` when ``code`` is not 0."""
    text, encoding = _decode(body)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadArticleAnswer(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadArticleAnswer(f"JSON {type(data).__name__}, not an object")
    if data.get("code", 0) != 0:
        raise ArticleNotFound(str(data.get("message") or data.get("code")))
    return data, encoding


def article_from_text_endpoint(
    data: dict,
    entry: ListingEntry | None,
    *,
    listing_media: str | None,
    share_url: str,
    source: str,
    now: datetime,
    media_slugs: dict | None = None,
) -> NewsArticle:
    """Build the item from the endpoint's fields; the listing entry gives
    the fallbacks (code, time, title) for what the article lacks."""
    loader = NewsArticleLoader(now=now, media_slugs=media_slugs)
    loader.add_value("info_code", data.get("infoCode"))
    loader.add_value("title", data.get("title"))
    article_time, listing_time = data.get("showtime"), entry.time_raw if entry else None
    loader.add_value("published_at", article_time)
    loader.add_value("published_at", listing_time)
    loader.add_value("media", data.get("medianame"))
    loader.add_value("media", listing_media)
    loader.add_value("category", loader.get_output_value("media"))
    loader.add_value("body_html", data.get("text"))
    loader.add_value("body_text", data.get("text"))
    if entry is not None:
        loader.add_value("info_code", entry.info_code)
        loader.add_value("title", entry.title)
    item = loader.load_item()
    # Fields with nothing to clean: set as they are.
    raw_time = article_time if article_time not in (None, "") else listing_time
    item.published_raw = None if raw_time is None else str(raw_time).strip() or None
    item.share_url, item.source = share_url, source
    item.crawled_at = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    return item
