"""Hand each article, with its claim, to the writer (many workers)."""

import logging
import pickle

from newscrawler.outcomes import ArticleNotWritten, store_down
from newscrawler.pipelines.dedupe import DuplicateArticle
from newscrawler.pipelines.storeuse import StorePipeline
from newscrawler.store import DONE, StoreError

logger = logging.getLogger(__name__)


def stream_key(settings) -> str:
    """The Redis Stream the workers fill and the writer reads."""
    return f"{settings.get('REDIS_NAMESPACE') or 'newscrawler'}:items"


class HandOffPipeline(StorePipeline):
    """Instead of the file pipelines on a worker (``REDIS_URL``): puts the
    item on the writer's stream and gives its claim to the stream in one
    atomic step, so that the article is either still this worker's (and
    given back if the worker ends) or the writer's to write."""

    def __init__(self, settings, stats):
        super().__init__(settings, stats)
        self.stream = stream_key(settings)

    def process_item(self, item, spider):
        try:
            handed = self.store.hand_off(item.info_code, pickle.dumps(item, protocol=5), self.stream)
        except StoreError as exc:
            raise ArticleNotWritten(str(exc), kind="store", environment=True, quiet=store_down(self.stats)) from None
        if not handed:
            if self.store.states([item.info_code]).get(item.info_code) == DONE:
                # Written meanwhile: the writer marked the site's articles
                # done again (a Redis that had lost them).
                raise DuplicateArticle(item.info_code)
            raise ArticleNotWritten(f"the claim of {item.info_code} is no longer this worker's", kind="claim_lost")
        self.stats.inc_value("newscrawler/handoff/sent")
        return item
