"""Drop articles that cannot make a post, with a reason and a counter."""

import re

from newscrawler.logformatter import short_repr
from newscrawler.outcomes import RejectedArticle

INFO_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
STATS_PREFIX = "newscrawler/validate/dropped"


class InvalidArticle(RejectedArticle):
    stats_prefix = STATS_PREFIX


def problem(item) -> tuple[str, str] | None:
    """The first reason `item` cannot be written, as (reason, detail)."""
    code = item.info_code
    if not isinstance(code, str) or not INFO_CODE.fullmatch(code):
        return "bad_info_code", f"infoCode {short_repr(code if code is None else str(code))} is not [A-Za-z0-9_-]{{1,64}}"
    rolling_id = getattr(item, "rolling_id", None)
    if rolling_id is not None and not INFO_CODE.fullmatch(str(rolling_id)):
        return "bad_rolling_id", f"rolling id {short_repr(str(rolling_id))} is not [A-Za-z0-9_-]{{1,64}}"
    if not item.title:
        return "no_title", "the article and its listing have no title"
    if not item.published_at:
        return "no_time", f"no parsable time (raw {item.published_raw!r})"
    if not item.body_html:
        return "no_body", "the body is empty once cleaned"
    if not item.media:
        return "no_media", "no media name in the article or its listing"
    return None


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider):
        found = problem(item)
        if found is None:
            return item
        reason, detail = found
        self.stats.inc_value(STATS_PREFIX)
        self.stats.inc_value(f"{STATS_PREFIX}/{reason}")
        raise InvalidArticle(reason, detail)
