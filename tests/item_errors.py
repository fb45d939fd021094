"""A pipeline with a bug: it raises on every item (an item pipeline error,
as a bug in the project's own code would make). For test crawls:

    -s 'ITEM_PIPELINES={..., "tests.item_errors.RaiseOnItem": 350}'
"""

import json


class RaiseOnItem:
    def process_item(self, item, spider):
        raise RuntimeError(f"a bug met {item.info_code}")


def with_item_errors() -> tuple[str, ...]:
    from newscrawler.settings import ITEM_PIPELINES

    return ("-s", f"ITEM_PIPELINES={json.dumps(dict(ITEM_PIPELINES, **{'tests.item_errors.RaiseOnItem': 350}))}",)
