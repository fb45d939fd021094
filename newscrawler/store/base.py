"""What every dedupe store offers."""

from typing import Protocol


class SeenStore(Protocol):
    """Claims on infoCodes, shared by the runs and processes using one store.

    A claim is *pending* until `complete` makes it *done*. Claims of a run
    that died are `stale_claims`; the next run adopts each and completes
    or releases it (see `newscrawler.recovery`).
    """

    def known(self, info_code: str) -> bool:
        """True if the code is done, pending in a live run, or rejected
        recently: a crawler need not fetch it."""

    def claim(self, info_code: str) -> bool:
        """Take the code for this process; False if it is done, pending, or
        rejected and not yet due for a recheck."""

    def holds(self, info_code: str) -> bool:
        """True if this process has the code pending."""

    def reject(self, info_code: str, reason: str) -> None:
        """Remember that the code made no post (dropped, not found), so that
        runs skip it until it is due for a recheck. Never undoes done, nor
        another process's claim."""

    def walk_completed(self, key: str) -> bool:
        """True if a run walked the listing `key` to its end and finished."""

    def complete_walk(self, key: str) -> None:
        """Record that this run walked the listing `key` to its end."""

    def complete(self, info_code: str) -> None:
        """Mark a claimed code done: its files are written."""

    def release(self, info_code: str) -> None:
        """Give back a pending claim of this process (writing it failed)."""

    def stale_claims(self) -> list[str]:
        """Codes pending for processes that are gone (or for too long)."""

    def adopt(self, info_code: str) -> None:
        """Make a stale claim this process's, to complete or release it."""

    def done_codes(self) -> set[str]:
        """Every code marked done."""

    def close(self) -> None: ...
