"""What every dedupe store offers."""

from typing import Protocol

# Claim states.
PENDING, DONE, REJECTED = "pending", "done", "rejected"
# Owner of a pending claim whose article went to the writer's stream
# (`SeenStore.hand_off`): no process holds it, and it is never stale.
HANDED_OFF = "stream"


class StoreError(Exception):
    """The store cannot be read or written (disk full, read-only, locked
    for too long): an environment fault, reported in one line."""


class SeenStore(Protocol):
    """Claims on infoCodes, shared by the runs and processes using one store.

    A claim is *pending* until `complete` makes it *done*. A pending claim
    may reserve the file name of the article's post (`reserve_post`): no
    two articles ever hold one name, so no post overwrites another. Claims
    of a run that died are `stale_claims`; the next run adopts each and
    completes or releases it (see `newscrawler.recovery`).

    Every method raises `StoreError` when the store itself fails.
    """

    owner: str

    def known(self, info_code: str) -> bool:
        """True if the code is done, pending, or rejected recently: a
        crawler need not fetch it."""

    def claim(self, info_code: str) -> bool:
        """Take the code for this process; False if it is done, pending, or
        rejected and not yet due for a recheck."""

    def holds(self, info_code: str) -> bool:
        """True if this process has the code pending."""

    def states(self, info_codes) -> dict[str, str]:
        """The state of each of `info_codes` the store knows."""

    def reject(self, info_code: str, reason: str) -> None:
        """Remember that the code made no post (dropped, not found), so that
        runs skip it until it is due for a recheck. Never undoes done, nor
        another process's claim."""

    def reserve_post(self, info_code: str, name: str | None) -> bool:
        """Reserve the post file name `name` for this process's pending
        claim of `info_code` (None: give it up); False if another article
        holds that name."""

    def post_name(self, info_code: str) -> str | None:
        """The post file name reserved for the code, if any."""

    def complete(self, info_code: str) -> None:
        """Mark a claimed code done: its files are written."""

    def mark_done(self, info_codes) -> int:
        """Mark each of `info_codes` done whatever its state (pending with
        anyone, rejected, unknown): their files are known to be written (a
        store that lost its data, see `newscrawler.cluster.site`). Return
        how many."""

    def release(self, info_code: str) -> None:
        """Give back a pending claim of this process (and its post name)."""

    def record_failure(self, info_code: str) -> int:
        """Count a run that gave up on the code; return how many runs did,
        counting only those within a recheck period of each other."""

    def pending_mine(self) -> list[str]:
        """The codes this process has pending."""

    def stale_claims(self) -> list[tuple[str, str]]:
        """(code, owner) of claims pending for processes that are gone (or
        for too long); a Redis store's, only those of owners of its role."""

    def adopt(self, info_code: str, owner: str) -> bool:
        """Make a pending claim of `owner` (a stale one, or `HANDED_OFF`)
        this process's, to complete or release it; False if it is no longer
        pending with `owner` (another process adopted it first)."""

    def hand_off(self, info_code: str, payload: bytes, stream: str) -> bool:
        """Pass this process's pending claim to the writer: append
        ``code <info_code> item <payload>`` to the Redis stream `stream`
        and make the claim `HANDED_OFF`'s, in one step; False (and nothing
        appended) if the claim is not this process's. Only a Redis store
        has streams: the others raise `StoreError`."""

    def walk_markers(self, key: str) -> list[str] | None:
        """The first listing page's codes of the last complete walk of the
        listing `key` (see `newscrawler.walks`), or None."""

    def last_full_walk(self, key: str) -> float | None:
        """When the last complete full walk of `key` ended (epoch seconds)."""

    def complete_walk(self, key: str, markers: list[str], full: bool = False) -> None:
        """Record a complete walk of the listing `key`, its markers, and
        whether it was a full walk; forget the walk of `key` deferred."""

    def defer_walk(self, key: str, markers: list[str], full: bool, codes: list[str]) -> None:
        """Remember a walk of the listing `key` that ended while some of
        the `codes` it listed were not settled yet (replacing any deferred
        before): `complete_walk` records it once they are."""

    def deferred_walk(self, key: str) -> tuple[list[str], bool, list[str]] | None:
        """(markers, full, codes) of the walk of `key` deferred, or None."""

    def done_codes(self) -> set[str]:
        """Every code marked done."""

    def close(self) -> None: ...
