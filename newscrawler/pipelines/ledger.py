"""Mark the infoCode done once every file of the article is written."""

import logging

from newscrawler.pipelines.storeuse import StorePipeline
from newscrawler.store import StoreError

logger = logging.getLogger(__name__)


class LedgerPipeline(StorePipeline):
    """Last in ``ITEM_PIPELINES``: after it, no run writes the code again.
    If the store cannot be written, the article's files are complete and
    its claim stays pending: the next run finds its JSON line and marks it
    done (see `newscrawler.recovery`)."""

    def process_item(self, item, spider):
        try:
            self.store.complete(item.info_code)
        except StoreError as exc:
            self.stats.inc_value("newscrawler/ledger/failed")
            logger.error("Article %s is written but not marked done (%s): the next run marks it", item.info_code, exc)
            return item
        self.stats.inc_value("newscrawler/ledger/done")
        return item
