"""Clean an article body: a sanitizer allowlist, then layout rules.

`clean_body_html` returns one block element per line; `html_to_text` turns
that back into plain text, one block per line.
"""

import functools
import re

import lxml.html
import nh3

ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "a", "img",
    "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Removed together with everything inside them; any other unknown tag
# (span, font, div, ...) is unwrapped and its content kept.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "noscript", "object", "template", "title"}
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table", "hr"}
# Containers whose whitespace-only text between children means nothing.
_STRUCTURAL = {"ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "blockquote"}
# Elements that are content even with no text in them.
_CONTENT_ELEMENTS = ("img", "hr", "table")

# Zero-width characters, BOM and soft hyphen (a regex: str.translate is
# slow on non-ASCII text).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0 and C1 controls other than whitespace, raw or as entities (nh3 decodes
# them): XML 1.0 forbids them, so the Atom feed showed them as U+FFFD.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_TEXT_SEPARATORS = {"br": "\n", "li": "\n", "tr": "\n", "td": " ", "th": " "}
_SPACES = re.compile(r"[\s\u3000\u00a0]+")


# The one form of layout the sanitizer lets through: centring, as a class
# the site's stylesheet centres (see `mark_centred`). No style passes.
CENTRED = "center"
_CENTRED_HINT = re.compile(r"<center\b|text-align\s*:\s*center|\balign\s*=\s*[\"']?\s*center", re.I)
_CENTRED_STYLE = re.compile(r"(?:^|;)\s*text-align\s*:\s*center\s*(?:!important\s*)?(?:;|$)", re.I)
# Blocks that take the class; containers whose content is centred block by
# block; blocks left as they are inside a centred container.
_CENTRED_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6"}
_CENTRED_CONTAINERS = {"center", "div", "section", "article", "figure", "figcaption", "blockquote"}
_KEPT_BLOCKS = {"h1", "ul", "ol", "table", "hr", "script", "style"}

_SANITIZER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes={"p": {"em_media", CENTRED}, **{h: {CENTRED} for h in ("h2", "h3", "h4", "h5", "h6")}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
    strip_comments=True,
)


def _centres(el) -> bool:
    """Whether the source centres `el`'s content: <center>, or a block with
    ``text-align: center`` in its style or ``align="center"``."""
    if el.tag == "center":
        return True
    if el.tag not in _CENTRED_BLOCKS and el.tag not in _CENTRED_CONTAINERS:
        return False
    return bool(_CENTRED_STYLE.search(el.get("style", ""))) or el.get("align", "").strip().lower() == "center"


def _add_centred_class(el) -> None:
    classes = el.get("class", "").split()
    if CENTRED not in classes:
        el.set("class", " ".join([*classes, CENTRED]))


def _centre_content(container) -> None:
    """Centre a container's content: its paragraphs and headings take the
    class, inner containers are centred the same way, and loose text and
    inline elements (images, their captions) are wrapped in a centred <p>."""
    children, text = list(container), container.text
    container.text = None
    for child in children:
        container.remove(child)
    loose = None

    def wrap(node=None, tail=None):
        nonlocal loose
        if loose is None:
            loose = lxml.html.Element("p", {"class": CENTRED})
            container.append(loose)
        if node is not None:
            loose.append(node)
        elif len(loose):
            loose[-1].tail = (loose[-1].tail or "") + tail
        else:
            loose.text = (loose.text or "") + tail

    if text and text.strip():
        wrap(tail=text)
    for child in children:
        tail, child.tail = child.tail, None
        if not isinstance(child.tag, str) or child.tag in _KEPT_BLOCKS:
            container.append(child)
            loose = None
        elif child.tag in _CENTRED_BLOCKS:
            _add_centred_class(child)
            container.append(child)
            loose = None
        elif child.tag in _CENTRED_CONTAINERS:
            _centre_content(child)
            container.append(child)
            loose = None
        else:
            wrap(child)
        if tail and (tail.strip() or loose is not None):
            wrap(tail=tail)


def mark_centred(html: str) -> str:
    """The body with the source's centring (<center>, ``text-align:
    center``, ``align="center"``, which the sanitizer drops with every
    style) turned into the class `CENTRED` on the blocks it centres, so
    images and their captions keep their layout. Unchanged when nothing is
    centred, or when lxml cannot parse it."""
    if not _CENTRED_HINT.search(html):
        return html
    try:
        # NUL: lxml would make it U+FFFD, the sanitizer drops it.
        root = lxml.html.fragment_fromstring(html.replace("\x00", ""), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return html
    centred = [el for el in root.iter() if isinstance(el.tag, str) and el is not root and _centres(el)]
    for el in centred:
        if el.tag in _CENTRED_BLOCKS:
            _add_centred_class(el)
        elif el.getparent() is not None:
            _centre_content(el)
    return lxml.html.tostring(root, encoding="unicode")[len("<div>"):-len("</div>")]


def _drop_structural_whitespace(root) -> None:
    """Whitespace-only text between the rows, cells and items of tables and
    lists means nothing: drop it."""
    for el in root.iter(*_STRUCTURAL):
        if el.text and not el.text.strip():
            el.text = None
        for child in el:
            if child.tail and not child.tail.strip():
                child.tail = None


def _is_br(node) -> bool:
    return getattr(node, "tag", None) == "br"


def _trim_block(block) -> None:
    """Strip a block's edges and collapse runs of <br> inside it."""
    for el in list(block.iter("br")):
        prev = el.getprevious()
        if _is_br(prev) and not (prev.tail or "").strip():
            el.drop_tree()
            continue
        el.tail = el.tail.lstrip() if el.tail else None
        if prev is not None and prev.tail:
            prev.tail = prev.tail.rstrip()
        elif prev is None and el.getparent().text:
            el.getparent().text = el.getparent().text.rstrip()
    while len(block) and _is_br(block[0]) and not (block.text or "").strip():
        block.text = (block.text or "") + (block[0].tail or "")
        block.remove(block[0])
    while len(block) and _is_br(block[-1]) and not (block[-1].tail or "").strip():
        block[-1].drop_tree()
    if block.text:
        block.text = block.text.lstrip() or None
    _rstrip_end(block)
    block.tail = None


def _rstrip_end(el) -> None:
    if not len(el):
        el.text = el.text.rstrip() or None if el.text else None
        return
    last = el[-1]
    if last.tail and last.tail.strip():
        last.tail = last.tail.rstrip()
    else:
        last.tail = None
        _rstrip_end(last)


def _has_content(block) -> bool:
    if block.tag == "hr":
        return True
    if block.text_content().strip():
        return True
    return any(True for _ in block.iter(*_CONTENT_ELEMENTS))


def blocks(root):
    """Yield top-level blocks; loose inline content is wrapped in <p>."""
    loose = None

    def flush():
        nonlocal loose
        if loose is not None:
            yield loose
            loose = None

    def loose_p():
        nonlocal loose
        if loose is None:
            loose = lxml.html.Element("p")
        return loose

    if root.text and root.text.strip():
        loose_p().text = root.text
    for child in list(root):
        tail, child.tail = child.tail, None
        if child.tag in BLOCK_TAGS:
            yield from flush()
            yield child
        elif child.tag == "br":
            yield from flush()
        else:
            loose_p().append(child)
        if tail and tail.strip():
            p = loose_p()
            if len(p):
                p[-1].tail = (p[-1].tail or "") + tail
            else:
                p.text = (p.text or "") + tail
    yield from flush()


def clean_body_html(html: object) -> str:
    """Sanitize and lay out an article body: one block element per line."""
    return _clean(str(html))[0] if html else ""


def body_text(html: object) -> str:
    """Plain text of the body `clean_body_html(html)` gives, one line per
    block (the same as ``html_to_text(clean_body_html(html))``)."""
    return _clean(str(html))[1] if html else ""


def sanitized_tree(html: str):
    """The body sanitized and parsed, whitespace normalized, empty links and
    images gone: a <div> of blocks and loose content; None when empty."""
    sanitized = _SANITIZER.clean(mark_centred(html.replace("\r\n", "\n").replace("\r", "\n")))
    if not sanitized.strip():
        return None
    # nh3 writes NBSP as &nbsp;: with it, U+3000, zero-width characters and
    # runs of whitespace are normalized once, in the text, before parsing.
    squeezed = _SPACES.sub(" ", _CONTROLS.sub("", _INVISIBLE.sub("", sanitized)).replace("&nbsp;", " "))
    root = lxml.html.fragment_fromstring(squeezed, create_parent="div")
    for link in list(root.iter("a")):
        if not link.get("href"):
            link.drop_tag()
    for image in list(root.iter("img")):
        if not image.get("src"):
            image.drop_tree()
    for el in root.iter("p"):
        if el.get("class") == "":
            del el.attrib["class"]
    _drop_structural_whitespace(root)
    return root


@functools.lru_cache(maxsize=32)
def _clean(html: str) -> tuple[str, str]:
    # Cached: a loader asks for the body and for its text, one after the other.
    root = sanitized_tree(html)
    if root is None:
        return "", ""
    html_lines, text_lines = [], []
    for block in blocks(root):
        block_html, block_lines = layout_text_block(block) or layout_block(block)
        if block_html:
            html_lines.append(block_html)
            text_lines.extend(block_lines)
    return "\n".join(html_lines), "\n".join(text_lines)


def layout_block(block) -> tuple[str, list[str]]:
    """A top-level block's HTML line and text lines ("" and [] when it has
    no content). The block is changed."""
    _trim_block(block)
    if not _has_content(block):
        return "", []
    html = lxml.html.tostring(block, encoding="unicode", with_tail=False)
    return html, _block_text(block)


_TEXT_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_PLAIN_ATTRIBUTES = ({}, {"class": "em_media"})


def _escape(text: str) -> str:
    # What lxml's HTML serializer escapes in text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def layout_text_block(block) -> tuple[str, list[str]] | None:
    """`layout_block` for the most common block, text with no child element
    and no attribute but ``em_media``, without serializing it through lxml
    (most of the cost of a body); None for any other block."""
    if len(block) or block.tag not in _TEXT_BLOCKS or dict(block.attrib) not in _PLAIN_ATTRIBUTES:
        return None
    text = (block.text or "").strip()
    if not text:
        return "", []
    attributes = ' class="em_media"' if block.attrib else ""
    html = f"<{block.tag}{attributes}>{_escape(text)}</{block.tag}>"
    return html, [line.strip() for line in text.splitlines() if line.strip()]


def _block_text(block) -> list[str]:
    """The block's text lines (it is changed: call it after serializing)."""
    for el in block.iter("br", "li", "tr", "td", "th"):
        el.tail = _TEXT_SEPARATORS[el.tag] + (el.tail or "")
    return [line.strip() for line in block.text_content().splitlines() if line.strip()]


def html_to_text(body_html: object) -> str:
    """Plain text of a cleaned body: one line per block, tags dropped."""
    if not body_html:
        return ""
    root = lxml.html.fragment_fromstring(str(body_html), create_parent="div")
    return "\n".join(line for block in root for line in _block_text(block))
