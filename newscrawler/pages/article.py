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


def decode_text_endpoint(body: bytes) -> dict:
    """The JSON object of a text endpoint answer, or `BadArticleAnswer`
    (a cut-off or garbled body), or `ArticleNotFound` (``code`` != 0)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadArticleAnswer(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadArticleAnswer(f"JSON {type(data).__name__}, not an object")
    if data.get("code", 0) != 0:
        raise ArticleNotFound(str(data.get("message") or data.get("code")))
    return data


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
    has_article_time = article_time not in (None, "")
    loader.add_value("published_raw", article_time if has_article_time else listing_time)
    loader.add_value("media", data.get("medianame"))
    loader.add_value("media", listing_media)
    loader.add_value("category", loader.get_output_value("media"))
    loader.add_value("body_html", data.get("text"))
    loader.add_value("body_text", loader.get_output_value("body_html"))
    if entry is not None:
        loader.add_value("info_code", entry.info_code)
        loader.add_value("title", entry.title)
    loader.add_value("share_url", share_url)
    loader.add_value("source", source)
    loader.add_value("crawled_at", now.astimezone(timezone.utc).isoformat(timespec="seconds"))
    return loader.load_item()
