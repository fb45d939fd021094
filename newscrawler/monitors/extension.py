"""Spidermon, run quietly: one line per failed check, no traceback.

Spidermon's own runner logs a banner and a line per check, and each
failure with the traceback of its assertion; an unattended run says only
what failed (WARNING), and the verdict says whether the run failed."""

import logging

from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.results.monitor import MonitorResult
from spidermon.runners import MonitorRunner

logger = logging.getLogger(__name__)


class QuietResult(MonitorResult):
    def addFailure(self, test, error):
        super().addFailure(test, error)
        logger.warning("Check failed: %s: %s", test.monitor_name, error[1])

    def addError(self, test, error):
        super().addError(test, error)
        logger.error("Check %s broke: %s: %s", test.monitor_name, error[0].__name__, error[1])


class QuietRunner(MonitorRunner):
    def create_result(self):
        return QuietResult()


class Monitoring(Spidermon):
    """Spidermon's extension (``SPIDERMON_*`` settings), with the quiet
    runner. ``scrapy crawl`` turns it on (``SPIDERMON_ENABLED``)."""

    def _run_suites(self, spider, suites):
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            QuietRunner().run(suite, **data)
            self.crawler.stats.inc_value("newscrawler/monitor/runs")
