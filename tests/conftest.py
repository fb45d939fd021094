"""Shared fixtures. With NEWSCRAWLER_NO_SKIP=1 (CI sets it) a test that
would skip for want of a component fails instead."""

import os

import pytest
from scrapy.utils.reactor import install_reactor


NO_SKIP = os.environ.get("NEWSCRAWLER_NO_SKIP") == "1"

# Scrapy's default reactor, installed once so that get_crawler() works in
# unit tests; real crawls run in child processes of their own.
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped, but NEWSCRAWLER_NO_SKIP=1 forbids skips: {reason}"
