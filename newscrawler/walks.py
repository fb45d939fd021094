"""Category walks: where a walk down a listing stops, and when it is complete.

A listing is newest first. A walk is *complete* when it fetched every page
from the first down to its end (the last page, a page that repeats one it
saw, the page limit, or the watermark) and every article those pages
listed ended settled: written, or rejected with a reason. A complete walk
records the codes of its first page as the *watermark* of the walks after
it: everything at or below them was listed by a complete walk. A later
walk stops at the first page that holds a watermark code with no new
article after it on that page, so a run with nothing new reads one page.

A walk that is not complete (killed, a page or an article given up, an
article still pending in another run) records nothing, and the next walk
goes down to the old watermark again, fetching whatever was missed.

What no incremental walk can see (an article that moved up across a page
boundary while the walk was between two pages, because one above it was
deleted; one inserted below the watermark) is caught by a *full* walk,
which ignores the watermark: the first walk of a category, and then one
every ``FULL_WALK_EVERY`` seconds.

A listing may repeat pages: new articles arriving mid-walk shift it down,
so the next page shows again what an earlier page showed (a burst of k
pages of them: k such pages in a row, at new URLs, then the walk goes on).
A walk ends on repeats only when they cannot be a shift: a URL read before
answering what it answered then (a loop, often through a redirect), or
`SAME_PAGE_TO_END` pages in a row each the same as the page before it (a
source that answers its last page for any page number).

Pure bookkeeping: the spider asks the store and feeds the answers in.
"""

from dataclasses import dataclass, field

from newscrawler.store import DONE, REJECTED

LAST_PAGE, REPEAT, PAGE_LIMIT, WATERMARK = "last_page", "repeat", "page_limit", "watermark"
SETTLED = (DONE, REJECTED)
# Unsettled codes are checked against the store once this many pile up,
# so a long first walk keeps only what is in flight.
PRUNE_AT = 2000
SAME_PAGE_TO_END = 3


@dataclass
class Walk:
    key: str
    """The store's name of the walk: the category, and the shard if any."""
    watermark: frozenset[str]
    """First-page codes of the last complete walk (empty: none)."""
    full: bool = False
    """This walk ignores the watermark (see the module's doc)."""
    first_page: list[str] | None = None
    pages: int = 0
    end: str | None = None
    """Why the walk stopped; None while it goes on (or if it broke off)."""
    previous: tuple[str, ...] | None = None
    unsettled: set[str] = field(default_factory=set)
    """Codes listed by the walk that were not yet written or rejected."""
    broken: bool = False
    """A page could not be followed (its next link leaves the site)."""
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """What each URL read so far answered."""
    same_in_a_row: int = 0
    """Pages in a row that were the same as the page before them."""

    def next_step(self, url: str, codes: list[str], new: set[str], next_url: str | None,
                  *, max_pages: int, incremental: bool) -> str | None:
        """Take in a page: its `codes` in order, those of them `new` (claimed
        by this walk now), its `next_url`. Return why the walk ends here,
        or None to follow `next_url`."""
        self.pages += 1
        if self.first_page is None:
            self.first_page = list(codes)
        fingerprint = tuple(codes)
        loop = self.answers.get(url) == fingerprint
        self.same_in_a_row = self.same_in_a_row + 1 if fingerprint == self.previous else 0
        self.previous = fingerprint
        if not next_url:
            self.end = LAST_PAGE
        elif loop or self.same_in_a_row >= SAME_PAGE_TO_END:
            self.end = REPEAT
        elif incremental and not self.full and self.reaches_watermark(codes, new):
            self.end = WATERMARK
        elif self.pages >= max_pages:
            self.end = PAGE_LIMIT
        self.answers[url] = fingerprint
        return self.end

    def reaches_watermark(self, codes: list[str], new: set[str]) -> bool:
        first = next((i for i, code in enumerate(codes) if code in self.watermark), None)
        return first is not None and not new.intersection(codes[first:])

    def complete(self, states: dict[str, str]) -> bool:
        """Whether the walk ended and every code it listed is settled,
        given the store's `states` of the unsettled ones."""
        return self.end is not None and not self.broken and all(states.get(code) in SETTLED for code in self.unsettled)

    def prune(self, states: dict[str, str]) -> None:
        self.unsettled = {code for code in self.unsettled if states.get(code) not in SETTLED}
