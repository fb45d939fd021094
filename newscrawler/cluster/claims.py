"""An article's claim travels with its request."""

import logging

from scrapy.exceptions import IgnoreRequest

from newscrawler.store import StoreError

logger = logging.getLogger(__name__)

CLAIM_OWNER = "claim_owner"


class ClaimLost(IgnoreRequest):
    """The article's claim is no longer the requester's, nor free: another
    worker wrote or is writing it. Nothing to do."""


class ClaimTransferMiddleware:
    """Before an article request is downloaded, the worker downloading it
    takes its claim over from the worker that queued it (in a shared queue
    they differ), so that its pipelines, its errbacks and its end of run
    settle the claim as their own. A claim given back meanwhile (its
    worker died and the next one released it) is claimed anew."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_request(self, request, spider):
        owner = request.meta.get(CLAIM_OWNER)
        entry = request.cb_kwargs.get("entry")
        store = getattr(spider, "seen", None)
        if owner is None or entry is None or store is None or owner == store.owner:
            return None
        code = entry.info_code
        try:
            taken = store.adopt(code, owner) or store.holds(code) or store.claim(code)
        except StoreError as exc:
            spider.store_failed(exc)
            raise ClaimLost(f"store failed: {exc}") from None
        if not taken:
            spider.crawler.stats.inc_value("newscrawler/cluster/claim_lost")
            raise ClaimLost(f"{code} is written or being written by another worker")
        request.meta[CLAIM_OWNER] = store.owner
        spider.crawler.stats.inc_value("newscrawler/cluster/claims_taken_over")
        return None
