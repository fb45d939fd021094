"""Render the Jekyll files of SOURCE.md §3 from an item.

Every value from the source is text, and is written as text: YAML reads it
back as the same string, and neither Liquid, kramdown nor a browser finds
any syntax in it."""

import hashlib
import re
from datetime import datetime
from urllib.parse import quote, urlsplit

from newscrawler.cleaning.times import BEIJING

SHARE_PAGE = "/html_News/NewsShare.html?infoCode={code}"

_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                 "\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
# Escaped in a double-quoted scalar: what would end it or break its line,
# and everything outside YAML's printable set (C0, DEL, C1, BOM, U+FFFE,
# U+FFFF, surrogates).
_YAML_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_PLAIN_YAML = re.compile(r"[\w\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+")
# Plain words that YAML 1.1 (Psych, Jekyll's parser) reads as booleans or
# null, in any case; PyYAML reads a few of them so too.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# Words that YAML 1.1 or 1.2 may read as a number: 360, 1_000, 0x1a, 0o17, 1e5.
_YAML_NUMBER = re.compile(r"[0-9][0-9_]*(?:[eE][0-9_]*)?|0[xXoObB][0-9A-Fa-f_]*")

_LIQUID_OPENER = re.compile(r"\{(?=[{%])")

# What kramdown (GFM input, as Jekyll runs it) reads as syntax within a
# line: escapes, code, emphasis, links, HTML and autolinks, IAL and
# extensions (and Liquid's `{{`, `{%`), table cells, strikethrough, math,
# smart quotes, entities, and the typographic `--` and `...`.
_MARKDOWN_SPAN_SYNTAX = re.compile(r"""[\\`*_\[\]{}<>|~$"']|&(?=#?\w+;)|-(?=-)|(?<=-)-|\.(?=\.)|(?<=\.)\.""")
# ... and what it reads as a block marker at the start of a line: headers,
# lists (also ``1.``), quotes, definitions, rules, tables, IAL, HTML.
_MARKDOWN_BLOCK_START = re.compile(r"\d+[.)]|[!-/:-@\[-`{-~]")

# RFC 3986's reserved and unreserved characters, and the percent of escapes
# already made: any other character of a URL is percent-encoded.
_URL_SAFE = "!#$%&()*+,-./:;=?@[]~_"


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that parses back to exactly it
    (a lone surrogate, which no YAML parser takes, as U+FFFD)."""
    return '"' + _YAML_NEEDS_ESCAPE.sub(_yaml_escape, text) + '"'


def _yaml_escape(match: re.Match) -> str:
    ch = match[0]
    if ch in _YAML_ESCAPES:
        return _YAML_ESCAPES[ch]
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    return f"\\u{ord(ch):04x}"


def yaml_scalar(text: str) -> str:
    """`text` plain when YAML 1.1 and 1.2 read it back as this very string (a
    word of letters and digits that is no boolean, null or number), else
    double-quoted."""
    if _PLAIN_YAML.fullmatch(text) and text.lower() not in _YAML_WORDS and not _YAML_NUMBER.fullmatch(text):
        return text
    return yaml_quoted(text)


def escape_liquid(text: str) -> str:
    """Turn each ``{`` that opens ``{{`` or ``{%`` into ``&#123;``, so Jekyll's
    Liquid leaves it alone and the browser still shows a brace."""
    return _LIQUID_OPENER.sub("&#123;", text)


def _char_references(match: re.Match) -> str:
    return "".join(f"&#{ord(ch)};" for ch in match[0])


def markdown_text(text: str) -> str:
    """`text` as one line of Markdown that kramdown turns into exactly this
    text, with no markup: every character it could read as syntax written as
    a character reference (``<`` -> ``&#60;``), whitespace collapsed."""
    text = " ".join(text.split())
    head = ""
    if start := _MARKDOWN_BLOCK_START.match(text):
        head, text = start[0][:-1] + f"&#{ord(start[0][-1])};", text[start.end():]
    return head + _MARKDOWN_SPAN_SYNTAX.sub(_char_references, text)


def safe_http_url(url: str) -> str | None:
    """`url` as an absolute http(s) URL with every character outside RFC
    3986's sets percent-encoded (whitespace, ``<>"'`` and the like), or None
    when it is not an http(s) URL with a host."""
    encoded = quote(url.strip(), safe=_URL_SAFE, errors="surrogatepass")
    try:
        parts = urlsplit(encoded)
        parts.port  # raises on a port that is no number up to 65535
    except ValueError:  # that, or a broken IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme + encoded[len(parts.scheme):]


def _share_link(item) -> str | None:
    """The item's share URL, or, when that is not a safe http(s) URL (a feed's
    ``url_w`` may be anything), its share page on the source it came from."""
    return safe_http_url(item.share_url or "") or safe_http_url(
        (item.source or "") + SHARE_PAGE.format(code=quote(item.info_code or "", safe="")))


def _beijing(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(BEIJING)


_JEKYLL_STABLE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def jekyll_stable(name: str) -> str:
    """`name` as Jekyll keeps it in a post's URL. Jekyll turns runs of any
    other character than letters and digits (``_`` and ``-`` included) into
    one ``-`` and strips them at the ends, so ``NW_1``, ``NW--1`` and
    ``NW-1`` would share one page: a name it would change gets the change
    and a hash of the original, so two names never meet."""
    if _JEKYLL_STABLE.fullmatch(name):
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    cleaned = _NOT_ALNUM.sub("-", name).strip("-")
    return f"{cleaned}-{digest}" if cleaned else digest


def yaml_tags(tag: str) -> str:
    """The post's one tag. Jekyll splits a ``tags:`` string at whitespace,
    so a tag with a space in it is written as a one-item list."""
    return f"[{yaml_quoted(tag)}]" if any(ch.isspace() for ch in tag) else yaml_scalar(tag)


def post_filename(item) -> str:
    """``{date}-{infoCode}.md``; rolling news: ``{date}-{id}.md`` (the code
    or id made `jekyll_stable`)."""
    return f"{_beijing(item.published_at):%Y-%m-%d}-{jekyll_stable(item.rolling_id or item.info_code)}.md"


def render_post(item, site: str) -> str:
    """The seed's layout; rolling news, the old system's second layout (a
    quote of the digest first, back links to ``/{category}/``)."""
    published = _beijing(item.published_at)
    media, slug = item.media, item.category
    front = (
        "---\n"
        "layout: post\n"
        f"title: {yaml_quoted(item.title)}\n"
        f"date: {published:%Y-%m-%d %H:%M:%S} +0800\n"
        f"categories: {yaml_scalar(slug)}\n"
        f"tags: {yaml_tags(media + '新闻')}\n"
        "---\n"
    )
    slug_path = quote(slug, safe="")
    if item.rolling_id:
        digest = markdown_text(item.digest or "")
        quote_block = f"> {digest}\n\n" if digest else ""
        back = f"[返回{markdown_text(media)}新闻](//{site}/{slug_path}/)"
    else:
        quote_block = ""
        back = f"[返回{markdown_text(media)}新闻](//{site}/category/{slug_path}.html)"
    link = _share_link(item)
    body = (
        f"{quote_block}{item.body_html}\n"
        "\n"
        + (f"<{link}>\n\n" if link else "")
        + f"{back}｜[返回首页](//{site}/)\n"
    )
    return front + escape_liquid(body)


def category_page_path(item) -> str:
    """Where the category page goes: where the posts' back links point."""
    return f"{item.category}/index.html" if item.rolling_id else f"category/{item.category}.html"


def render_category_page(media: str, slug: str) -> str:
    return (
        "---\n"
        "layout: category\n"
        f"title: {yaml_scalar(media + '新闻')}\n"
        f"category: {yaml_scalar(slug)}\n"
        "---\n"
    )
