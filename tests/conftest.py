"""Shared fixtures. With NEWSCRAWLER_NO_SKIP=1 (CI sets it) a test that
would skip for want of a component fails instead."""

import os

import pytest
from twisted.internet import default as default_reactor

NO_SKIP = os.environ.get("NEWSCRAWLER_NO_SKIP") == "1"

# Unit tests build crawlers with get_crawler() and Twisted's default
# reactor, the one the project's settings use (TWISTED_REACTOR = None),
# installed here; real crawls run in child processes of their own.
default_reactor.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped, but NEWSCRAWLER_NO_SKIP=1 forbids skips: {reason}"


# A real redis-server: fixtures `redis_server` and `own_redis_server`.
pytest_plugins = ["tests.redisserver"]
