"""The monitor suites: ``EndOfRun`` (``SPIDERMON_SPIDER_CLOSE_MONITORS``)
judges the run and alerts; ``DuringRun`` (``SPIDERMON_PERIODIC_MONITORS``)
alerts early in a long run, on failures that can only stay failures."""

from spidermon import MonitorSuite

from newscrawler.monitors import checks
from newscrawler.monitors.actions import Alert, AlertNew, Verdict

# In the order of the run's "Run failed:" line.
END_OF_RUN = [
    checks.RunFinished, checks.NoErrors, checks.NothingGivenUp, checks.SourceRead, checks.IndexListsCategories,
    checks.DropRates,
    checks.CategoriesListArticles, checks.FieldCoverage, checks.Published, checks.PostsAsUsual, checks.SplashRenders,
]


class EndOfRun(MonitorSuite):
    monitors = END_OF_RUN
    monitors_finished_actions = [Verdict, Alert]


class DuringRun(MonitorSuite):
    monitors = [checks.NoErrors, checks.NothingGivenUp, checks.SplashRenders]
    monitors_finished_actions = [AlertNew]
