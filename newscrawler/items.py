"""The item the crawler produces."""

from dataclasses import dataclass

# The item's fields in the order every output writes them (items.jsonl, and
# feed exports through FEED_EXPORT_FIELDS): SOURCE.md's ten first, as the
# first releases wrote them, then the three fields added since.
ITEM_FIELDS = (
    "info_code", "title", "published_at", "media", "category",
    "body_html", "body_text", "share_url", "source", "crawled_at",
    "published_raw", "rolling_id", "digest",
)


@dataclass
class NewsArticle:
    """One news article, cleaned, ready for the post writer and the feeds."""

    info_code: str | None = None
    """The source's article id (``NW202201182251444627``): the dedupe key."""

    title: str | None = None
    """Clean one-line title: no tags, entities decoded, spaces collapsed."""

    published_at: str | None = None
    """Publication time, ISO 8601 in Beijing time (``+08:00``)."""

    published_raw: str | None = None
    """The time as the source wrote it: in the article, or in the listing
    when the article has none. Kept to audit ``published_at``."""

    media: str | None = None
    """Media name (``大众日报``): the article's own, else its listing's."""

    category: str | None = None
    """Slug of the media name (``dazhongribao``): Jekyll category and URL part."""

    body_html: str | None = None
    """Sanitized body HTML, one block element per line."""

    body_text: str | None = None
    """Plain text of the body, one block per line."""

    share_url: str | None = None
    """Link to the article's share page, on ``SHARE_BASE_URL``."""

    source: str | None = None
    """Origin (scheme, host, port) of the site the article was crawled from."""

    crawled_at: str | None = None
    """When the article was fetched, ISO 8601 in UTC."""

    rolling_id: str | None = None
    """Rolling news (东财滚动新闻) only: the feed's id, which names the post."""

    digest: str | None = None
    """Rolling news only: the feed's digest, without its 【bracketed】 lead."""
