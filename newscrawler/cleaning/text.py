"""Clean one line of source text (a title, a media name)."""

import re
import unicodedata

from w3lib.html import remove_tags, remove_tags_with_content, replace_entities

# Characters that are never content: zero-width spaces and joiners, word
# joiner, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")


def _is_noncharacter(ch: str) -> bool:
    # U+FDD0..U+FDEF and the last two code points of every plane.
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _drop_controls(text: str) -> str:
    # Control and format characters (Cc, Cf) and noncharacters (U+FFFE and
    # kin) other than whitespace carry no text and break YAML; whitespace
    # ones become spaces and are collapsed.
    return "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf") and not _is_noncharacter(ch))
    )


def _without_lone_surrogates(text: str) -> str:
    """A surrogate pair becomes its character, a lone surrogate (a JSON
    ``"\\ud800"``) U+FFFD: UTF-8 cannot encode it."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(value: object) -> str:
    """Return `value` as one clean line: tags (and scripts and styles with
    their content) removed, entities decoded,
    U+3000 and NBSP turned into spaces, invisible and control characters
    and noncharacters dropped, lone surrogates turned into U+FFFD,
    whitespace collapsed and stripped. Chinese punctuation is kept.
    """
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = remove_tags(remove_tags_with_content(text, which_ones=("script", "style")))
    if "&" in text:
        text = replace_entities(text, keep=(), remove_illegal=False)
    text = text.translate(_INVISIBLE)
    if not text.isprintable():  # printable: no control, format, surrogate, unassigned or odd space
        text = _drop_controls(_without_lone_surrogates(text))
    return _WHITESPACE.sub(" ", text).strip()


_BRACKETED_LEAD = re.compile(r"^\s*【[^】]*】\s*")


def without_bracketed_lead(text: str) -> str:
    """``【标题】摘要`` -> ``摘要``: drop one bracketed lead at the start."""
    return _BRACKETED_LEAD.sub("", text, count=1)
