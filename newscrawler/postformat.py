"""Render the Jekyll files of SOURCE.md §3 from an item."""

import re
from datetime import datetime

from newscrawler.cleaning.times import BEIJING

_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                 "\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_LIQUID_OPENER = re.compile(r"\{(?=[{%])")
_MARKDOWN_LINK_TEXT = re.compile(r"([\\\[\]])")
_PLAIN_YAML = re.compile(r"[\w\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+")


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that parses back to exactly it."""
    out = []
    for ch in text:
        if ch in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch == "\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def yaml_scalar(text: str) -> str:
    """`text` plain when it is only letters and digits, else double-quoted."""
    return text if _PLAIN_YAML.fullmatch(text) and not text[0].isdigit() else yaml_quoted(text)


def escape_liquid(text: str) -> str:
    """Turn each ``{`` that opens ``{{`` or ``{%`` into ``&#123;``, so Jekyll's
    Liquid leaves it alone and the browser still shows a brace."""
    return _LIQUID_OPENER.sub("&#123;", text)


def _link_text(text: str) -> str:
    return _MARKDOWN_LINK_TEXT.sub(r"\\\1", text)


def _beijing(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(BEIJING)


def post_filename(item) -> str:
    """``{date}-{infoCode}.md``; rolling news: ``{date}-{id}.md``."""
    return f"{_beijing(item.published_at):%Y-%m-%d}-{item.rolling_id or item.info_code}.md"


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
        f"categories: {slug}\n"
        f"tags: {yaml_scalar(media + '新闻')}\n"
        "---\n"
    )
    if item.rolling_id:
        quote = f"> {item.digest}\n\n" if item.digest else ""
        back = f"[返回{_link_text(media)}新闻](//{site}/{slug}/)"
    else:
        quote = ""
        back = f"[返回{_link_text(media)}新闻](//{site}/category/{slug}.html)"
    body = (
        f"{quote}{item.body_html}\n"
        "\n"
        f"<{item.share_url}>\n"
        "\n"
        f"{back}｜[返回首页](//{site}/)\n"
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
        f"category: {slug}\n"
        "---\n"
    )
