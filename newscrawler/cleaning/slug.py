"""Turn a media name into the slug used for categories and URLs."""

import functools
import hashlib
import re

from pypinyin import lazy_pinyin

_NOT_SLUG = re.compile(r"[^A-Za-z0-9]+")


def media_slug(name: str, overrides: dict | None = None) -> str:
    """Pinyin of `name` with everything but ``[A-Za-z0-9]`` dropped
    (``大众日报`` -> ``dazhongribao``). `overrides` maps names to slugs.

    A name with nothing to spell (only symbols) gets ``media`` plus a short
    hash of it, so two such names never share a slug.
    """
    name = name.strip()
    if overrides and name in overrides:
        return overrides[name]
    return _pinyin_slug(name)


@functools.lru_cache(maxsize=1024)
def _pinyin_slug(name: str) -> str:
    # Cached: a site has a few dozen media names, met thousands of times.
    slug = _NOT_SLUG.sub("", "".join(lazy_pinyin(name)))
    if slug:
        return slug
    return "media" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
