"""Item pipelines, one per concern, in the order of ``ITEM_PIPELINES``:
validate, dedupe (claim), post, category page, JSON Lines, ledger (done)."""
