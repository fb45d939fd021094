"""The checks of a run, as Spidermon monitors.

Each check says what is wrong in words (`problems`), the words of
``newscrawler.extensions.health`` where the check is one of its own, and
fails with them. A check whose ``fails_run`` is False (Splash down, fewer
posts than usual) only alerts: the run lost nothing by it. Each failure is
alerted under its `keys` (one per category for the category check), so a
second category gone quiet is news while the first is not."""

import statistics

from spidermon import monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from newscrawler.extensions import health
from newscrawler.extensions.coverage import COVERED, EMPTY_STAT, ITEMS_STAT
from newscrawler.monitors.history import SOURCE_STAT


class Check(BaseScrapyMonitor):
    fails_run = True

    def problems(self) -> list[str]:
        raise NotImplementedError

    def keys(self) -> list[str]:
        return [self.monitor_name]

    def test_check(self):
        self.found = self.problems()
        if self.found:
            self.fail("; ".join(self.found))

    @property
    def settings(self):
        return self.data.crawler.settings

    def history(self, runs: int | None = None) -> list[dict]:
        """The stats of the runs before this one of the same source, newest first."""
        source = self.stats.get(SOURCE_STAT)
        same = [s for s in self.data.get("stats_history") or [] if s.get(SOURCE_STAT) == source]
        return same[:runs] if runs is not None else same


@monitors.name("Run finished")
class RunFinished(Check):
    """The run ended as ``finished`` (or at a ``closespider_*`` limit the user set)."""

    def problems(self):
        reason = self.stats.get("finish_reason")
        if reason is None or reason == "finished" or str(reason).startswith("closespider_"):
            return []
        return [f"the run did not finish: it stopped as {reason}"]


@monitors.name("No errors")
class NoErrors(Check):
    """No spider error, no item pipeline error, every article written and marked done."""

    def problems(self):
        return [*health.spider_error_problems(self.stats), *health.write_problems(self.stats),
                *health.item_error_problems(self.stats)]


@monitors.name("Nothing given up")
class NothingGivenUp(Check):
    """No page given up after its retries."""

    def problems(self):
        return health.given_up_problems(self.stats)


@monitors.name("Index lists categories")
class IndexListsCategories(Check):
    def problems(self):
        return health.index_problems(self.stats)


@monitors.name("Source read")
class SourceRead(Check):
    """A finished run read at least one page of the source."""

    def problems(self):
        return health.source_problems(self.stats)


@monitors.name("Drop rates")
class DropRates(Check):
    """Dropped and not-found articles, over the last ``HEALTH_WINDOW`` runs."""

    def problems(self):
        window = max(1, self.settings.getint("HEALTH_WINDOW"))
        before = [health.run_counts(s) for s in reversed(self.history(window - 1))] if window > 1 else []
        return health.rate_problems([*before, health.run_counts(self.stats)],
                                    self.settings.getfloat("HEALTH_MAX_DROP_RATE"),
                                    self.settings.getint("HEALTH_MIN_DROPS"),
                                    self.settings.getfloat("HEALTH_MAX_NOT_FOUND_RATE"))


@monitors.name("Categories list articles")
class CategoriesListArticles(Check):
    """Every category that listed articles in a run of the history lists
    some now, and is still in the index when the run read the index."""

    def previous(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for stats in self.history():
            for cid, count in health.category_counts(stats).items():
                if count:
                    counts.setdefault(cid, count)
        return counts

    def problems(self):
        previous = self.previous()
        self.quiet = [cid for cid in sorted(previous) if health.category_problems(self.stats, {cid: previous[cid]})]
        return health.category_problems(self.stats, previous)

    def keys(self):
        return [f"{self.monitor_name}: {cid}" for cid in self.quiet]


@monitors.name("Field coverage")
class FieldCoverage(Check):
    """Title, time and body are not empty in at least ``MONITOR_MIN_FIELD_COVERAGE``
    of the run's articles (once ``HEALTH_MIN_DROPS`` or more lack one)."""

    def problems(self):
        items = self.stats.get(ITEMS_STAT, 0)
        least = self.settings.getfloat("MONITOR_MIN_FIELD_COVERAGE")
        found = []
        for field, words in COVERED.items():
            empty = self.stats.get(EMPTY_STAT.format(field=field), 0)
            if empty and empty >= self.settings.getint("HEALTH_MIN_DROPS") and (items - empty) / items < least:
                found.append(f"{words} empty in {empty} of {items} articles (coverage {(items - empty) / items:.0%}, "
                             f"under {least:.0%})")
        return found


@monitors.name("Posts as usual")
class PostsAsUsual(Check):
    """Posts written not far below the usual of the same source: under
    ``MONITOR_MIN_WRITTEN_SHARE`` of the median of its last
    ``MONITOR_USUAL_RUNS`` runs (3 at least), when that median is
    ``MONITOR_MIN_USUAL_WRITTEN`` or more. Alerts only: a quiet source is
    not a broken run."""

    fails_run = False

    def problems(self):
        before = [s.get("newscrawler/ledger/done", 0) for s in self.history(self.settings.getint("MONITOR_USUAL_RUNS"))]
        if len(before) < 3:
            return []
        usual = statistics.median(before)
        written = self.stats.get("newscrawler/ledger/done", 0)
        share = self.settings.getfloat("MONITOR_MIN_WRITTEN_SHARE")
        if usual >= self.settings.getint("MONITOR_MIN_USUAL_WRITTEN") and written < usual * share:
            return [f"{written} posts written, under {share:.0%} of the usual {usual:g} (the median of the last "
                    f"{len(before)} runs)"]
        return []


@monitors.name("Splash renders")
class SplashRenders(Check):
    """Splash did not go down during the run (its pages were read from the
    text endpoint instead: nothing lost, so this only alerts)."""

    fails_run = False

    def problems(self):
        outages = self.stats.get("newscrawler/splash/outages", 0)
        if not outages:
            return []
        bypassed = self.stats.get("newscrawler/splash/bypassed", 0) + self.stats.get("newscrawler/splash/fallback", 0)
        return [f"Splash went down {outages} time(s) during the run: {bypassed} article(s) read from the text "
                "endpoint instead (nothing lost)"]


@monitors.name("Published")
class Published(Check):
    """The run's posts were committed (and pushed), with ``PUBLISH_GIT``."""

    def problems(self):
        return ["publishing to git failed (see the ERROR line)"] if self.stats.get("newscrawler/publish/failed") else []
