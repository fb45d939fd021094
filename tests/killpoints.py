"""A pipeline that kills its own process with SIGKILL when the Nth item
reaches it: a real kill at an exact point between two writes. Put it in
ITEM_PIPELINES from the command line of a test crawl:

    -s 'ITEM_PIPELINES={..., "tests.killpoints.KillAtItem": 450}' -s KILL_AT_ITEM=5
"""

import json
import os
import signal


class KillAtItem:
    def __init__(self, n: int):
        self.n = n
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("KILL_AT_ITEM"))

    def process_item(self, item, spider):
        self.seen += 1
        if self.seen == self.n:
            os.kill(os.getpid(), signal.SIGKILL)
        return item


def with_kill_at(position: int, n: int) -> tuple[str, ...]:
    """Settings for a crawl that is killed when its Nth item reaches
    `position` in ITEM_PIPELINES (300: post, 400: category page, 500:
    JSON line, 900: done; between them: 850)."""
    from newscrawler.settings import ITEM_PIPELINES

    pipelines = dict(ITEM_PIPELINES, **{"tests.killpoints.KillAtItem": position})
    return ("-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"KILL_AT_ITEM={n}")
