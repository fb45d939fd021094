"""When the source broke, in words: the checks that fail a run (one ERROR
line, the stat ``newscrawler/run/failed``, ``scrapy crawl`` exits 1).

A run is bad when a spider callback raised, a page was given up after its
retries, an article could not be written or marked done, the share of
dropped articles is over ``HEALTH_MAX_DROP_RATE``, the share of requested
articles not found is over ``HEALTH_MAX_NOT_FOUND_RATE`` (the text endpoint
has probably changed), or a category that listed articles last run lists
none now (its layout has probably changed). Pure functions of the run's
stats and of the runs before it; the Spidermon monitors of
``newscrawler.monitors`` run them at the end of each run.
"""

from newscrawler.outcomes import drops_by_reason

FAILED_STAT = "newscrawler/run/failed"
CATEGORY_STAT = "newscrawler/category/{cid}/entries"
INDEX_STAT = "newscrawler/index/categories"
SOURCE_PAGES_STAT = "newscrawler/source/pages"
FEED_FAILED_STAT = "newscrawler/feeds/failed"


def run_counts(stats: dict) -> dict[str, int]:
    """The article counts of a run that the rates are made of."""
    not_found = stats.get("newscrawler/article/not_found", 0)
    return {
        "requested": max(stats.get("newscrawler/article/requested", 0), not_found),
        "not_found": not_found,
        "dropped": sum(drops_by_reason(stats).values()),
        # A worker of many hands its articles to the writer, which writes
        # them: for the worker's rates, handed off is written.
        "written": stats.get("newscrawler/ledger/done", 0) + stats.get("newscrawler/handoff/sent", 0),
    }


def _over(counts: list[dict]) -> str:
    return f" over the last {len(counts)} runs" if len(counts) > 1 else ""


def rate_problems(counts: list[dict], max_drop_rate: float, min_drops: int, max_not_found_rate: float) -> list[str]:
    """Drop and not-found rates of this run's `counts` (the last) alone, and
    with the runs before it: a run whose articles mostly vanish fails
    whatever came before, and a run that sees a few every five minutes
    fails too once they add up; a run that sees none does not."""
    found = []
    for runs in ([counts[-1]], counts) if len(counts) > 1 else ([counts[-1]],):
        this, total = runs[-1], {key: sum(c[key] for c in runs) for key in runs[-1]}
        dropped, seen = total["dropped"], total["dropped"] + total["written"]
        if this["dropped"] and dropped >= min_drops and dropped / seen > max_drop_rate:
            found.append(f"{dropped} of {seen} articles dropped (over {max_drop_rate:.0%}){_over(runs)}")
        not_found, requested = total["not_found"], total["requested"]
        if this["not_found"] and not_found >= min_drops and not_found / requested > max_not_found_rate:
            found.append(f"{not_found} of {requested} requested articles not found (over {max_not_found_rate:.0%})"
                         f"{_over(runs)}: has the text endpoint changed?")
        if found:
            break
    return found


def spider_error_problems(stats: dict) -> list[str]:
    exceptions = sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))
    return [f"{exceptions} spider error(s) (see the tracebacks above)"] if exceptions else []


def item_error_problems(stats: dict) -> list[str]:
    errors = stats.get("newscrawler/item/errors", 0)
    return [f"{errors} error(s) in the item pipelines (see the tracebacks above)"] if errors else []


def write_problems(stats: dict) -> list[str]:
    found = []
    if not_written := stats.get("newscrawler/write/failed", 0):
        down = stats.get("newscrawler/write/failed/store_down", 0)
        where = f"; {down} of them once the store was down, after its ERROR line" if down else ""
        found.append(f"{not_written} article(s) could not be written (see the ERROR lines{where})")
    if unmarked := stats.get("newscrawler/ledger/failed", 0):
        found.append(f"{unmarked} article(s) written but not marked done in the store")
    if unreadable := stats.get("newscrawler/writer/unreadable", 0):
        found.append(f"{unreadable} entry(ies) of the workers' stream could not be read (see the ERROR lines)")
    if feeds := stats.get(FEED_FAILED_STAT, 0):
        found.append(f"{feeds} feed file(s) could not be written: they are incomplete")
    return found


def given_up_problems(stats: dict) -> list[str]:
    given_up = sum(stats.get(f"newscrawler/{what}/failed", 0) for what in ("article", "listing", "feed"))
    return [f"{given_up} page(s) given up after retries"] if given_up else []


def index_problems(stats: dict) -> list[str]:
    return ["the category index lists no category"] if stats.get("newscrawler/index/empty") else []


# Set by a process that reads the source only if its run gives it pages:
# a worker of a run another worker seeded, the writer (newscrawler.cluster).
NOT_SEEDING_STAT = "newscrawler/cluster/not_seeding"
# Pages of the source read by all the workers of the run (many workers).
RUN_PAGES_STAT = "newscrawler/cluster/run_pages"


def source_problems(stats: dict) -> list[str]:
    """A run that finished without reading one page of the source (a
    listing, the index, a feed): a JOBDIR of a job that already ended, whose
    seen requests filter everything, looks like that."""
    run_pages = stats.get(RUN_PAGES_STAT)
    if run_pages is not None:
        # A worker of many: its pages may all be read by other workers, the
        # one that began the run too. A run of which no worker read a page
        # lost its start (that worker died before its first page).
        if stats.get("finish_reason") == "finished" and run_pages == 0 and not given_up_problems(stats):
            return ["no worker of the run read a page of the source: the one that began it died first "
                    "(the next run begins again)"]
        return []
    if stats.get(NOT_SEEDING_STAT):
        return []  # the writer: it reads no source
    if stats.get("finish_reason") != "finished" or stats.get(SOURCE_PAGES_STAT) or given_up_problems(stats):
        return []  # read something, or says why it did not
    return ["the run read no page of the source (with -s JOBDIR: that job has ended or its queue is broken; "
            "remove the folder)"]


def category_problems(stats: dict, previous: dict[str, int]) -> list[str]:
    """Categories that listed articles before (`previous`: the count of the
    last run that listed any), and none now, or that the index read in this
    run no longer lists: failing until they list again."""
    found = []
    index_read = stats.get(INDEX_STAT) is not None
    for cid, before in sorted(previous.items()):
        now = stats.get(CATEGORY_STAT.format(cid=cid))
        if before and now == 0:
            found.append(f"category {cid} listed {before} articles before and none now")
        elif before and now is None and index_read:
            found.append(f"category {cid} listed {before} articles before and the index no longer lists it")
    return found


def problems(stats: dict, previous: dict[str, int], max_drop_rate: float, min_drops: int,
             max_not_found_rate: float, recent: list[dict] = ()) -> list[str]:
    """What went wrong in a run with these stats, in words; [] if nothing.
    `previous`: each category's entries in the last run that listed any;
    `recent`: the `run_counts` of the runs before it, oldest first. The
    monitors (newscrawler.monitors.checks) run these checks one by one."""
    return [
        *spider_error_problems(stats), *given_up_problems(stats), *write_problems(stats),
        *item_error_problems(stats), *index_problems(stats), *source_problems(stats),
        *rate_problems([*recent, run_counts(stats)], max_drop_rate, min_drops, max_not_found_rate),
        *category_problems(stats, previous),
    ]


def category_counts(stats: dict) -> dict[str, int]:
    prefix, suffix = CATEGORY_STAT.split("{cid}")
    return {k[len(prefix):-len(suffix)]: v for k, v in stats.items() if k.startswith(prefix) and k.endswith(suffix)}
