"""An article, from the text endpoint's JSON answer."""

import json
import re
from datetime import datetime, timezone

from newscrawler.items import NewsArticle
from newscrawler.loaders import NewsArticleLoader
from newscrawler.logformatter import short_repr
from newscrawler.pages.listing import ListingEntry


class BadArticleAnswer(ValueError):
    """The text endpoint answered something that is not an article."""


class UnusableAnswer(BadArticleAnswer):
    """An answer that will be the same next time (an unknown code, JSON
    broken in its middle or nested too deep, a field of the wrong type):
    not worth a retry. `reason` names it for the drop counters."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class ArticleNotFound(LookupError):
    """The text endpoint says the article does not exist (any more)."""


_STRING_FIELDS = ("infoCode", "title", "medianame", "text")
# A body cut off inside a number, a literal (-Infinity) or a \u escape
# fails this close to its end; "Unterminated string" wherever it started.
_CUT_OFF_TAIL = 8
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# strict=False: raw newlines and tabs in strings, as real sources write them.
_JSON = json.JSONDecoder(strict=False)


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


def _describe(value: object) -> str:
    """A JSON value in a few words, never all of it (it may be huge)."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "an array"
    return short_repr(json.dumps(value), 40)


def _parse_json(text: str) -> object:
    """The JSON value of `text`. A cut-off body, or one that is no JSON at
    all (a proxy's error page), may be whole next time: `BadArticleAnswer`;
    JSON broken in its middle or nested too deep will not: `UnusableAnswer`."""
    try:
        return _JSON.decode(text)
    except RecursionError:
        raise UnusableAnswer("too_deep", "JSON nested deeper than the parser goes") from None
    except json.JSONDecodeError as exc:
        return _bad_json(text, exc)
    except ValueError as exc:  # an integer over Python's 4,300 digits
        raise UnusableAnswer("bad_json", f"unreadable JSON: {exc}") from None


def _bad_json(text: str, exc: json.JSONDecodeError):
    cut_off = exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()) - _CUT_OFF_TAIL
    if cut_off or not text.lstrip().startswith(("{", "[")):
        raise BadArticleAnswer(f"not JSON: {exc}") from None
    raise UnusableAnswer("bad_json", f"broken JSON: {exc}") from None


def _without_lone_surrogates(data: dict, text: str) -> dict:
    """JSON may escape half a UTF-16 pair (``"\\ud800"``): no encoder
    writes it, so it becomes U+FFFD. Only top-level strings are read."""
    if not _SURROGATE_ESCAPE.search(text):
        return data
    return {k: _LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in data.items()}


def _check_code(data: dict) -> None:
    """Code 0 (or "0", or none) is an article, 404 is gone, anything else
    is an answer we do not understand."""
    if "code" not in data:
        return
    code = data["code"]
    text = code.strip() if isinstance(code, str) else str(code) if type(code) is int else None
    if text == "0":
        return
    message = data.get("message")
    message = short_repr(message, 60) if isinstance(message, str) else ""
    if text == "404":
        raise ArticleNotFound(message or "code 404")
    raise UnusableAnswer("unknown_code", f"code {_describe(code)}" + (f" ({message})" if message else ""))


def _check_fields(data: dict) -> None:
    for name in _STRING_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise UnusableAnswer("bad_field", f"{name} is {_describe(value)}, not a string")
    showtime = data.get("showtime")
    if isinstance(showtime, (bool, list, dict)):
        raise UnusableAnswer("bad_field", f"showtime is {_describe(showtime)}, not a time")


def decode_text_endpoint(body: bytes) -> tuple[dict, str]:
    """The JSON object of a text endpoint answer and the encoding it was
    read with. `ArticleNotFound` for code 404; `BadArticleAnswer` for a
    body that may be whole next time (cut off, an error page instead of
    JSON); `UnusableAnswer` for one that will be the same (see there)."""
    text, encoding = _decode(body)
    text = text.removeprefix("\ufeff")  # a BOM, as some servers write before JSON
    data = _parse_json(text)
    if not isinstance(data, dict):
        raise UnusableAnswer("not_an_object", f"the answer is {_describe(data)}, not an object")
    data = _without_lone_surrogates(data, text)
    _check_code(data)
    _check_fields(data)
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
    # The code the article was asked for is its identity (the spider drops
    # an answer that names another); the answer's own is for entry-less use.
    loader.add_value("info_code", entry.info_code if entry is not None else data.get("infoCode"))
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
        loader.add_value("title", entry.title)
    item = loader.load_item()
    # Fields with nothing to clean: set as they are.
    raw_time = article_time if article_time not in (None, "") else listing_time
    item.published_raw = None if raw_time is None else str(raw_time).strip() or None
    item.share_url, item.source = share_url, source
    item.crawled_at = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    return item
