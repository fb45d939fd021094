"""Turn a media name into the slug used for categories and URLs."""

import functools
import hashlib
import re

from pypinyin import lazy_pinyin

_NOT_SLUG = re.compile(r"[^A-Za-z0-9]+")

MAX_SLUG_LENGTH = 64
"""A slug names a folder and a file of the built site: far below the 255
bytes a file name may have."""
_HASH_LENGTH = 8


def media_slug(name: str, overrides: dict | None = None) -> str:
    """Pinyin of `name` with everything but ``[A-Za-z0-9]`` dropped
    (``大众日报`` -> ``dazhongribao``). `overrides` maps names to slugs.

    A name with nothing to spell (only symbols) gets ``media`` plus a short
    hash of it, so two such names never share a slug. A slug longer than
    `MAX_SLUG_LENGTH` is cut and ends with a short hash of the whole name,
    so two long names never share one either.
    """
    name = name.strip()
    if overrides and name in overrides:
        return overrides[name]
    return _pinyin_slug(name)


def _name_hash(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]


@functools.lru_cache(maxsize=1024)
def _pinyin_slug(name: str) -> str:
    # Cached: a site has a few dozen media names, met thousands of times.
    slug = _NOT_SLUG.sub("", "".join(lazy_pinyin(name)))
    if not slug:
        return "media" + _name_hash(name)
    if len(slug) > MAX_SLUG_LENGTH:
        return slug[:MAX_SLUG_LENGTH - _HASH_LENGTH] + _name_hash(name)
    return slug
