import pytest

from newscrawler.scheduler import active_job, outcome, same_failure


@pytest.mark.parametrize(
    "jobs, expected",
    [
        ({"pending": [], "running": [], "finished": [{"id": "a", "spider": "category"}]}, None),
        ({"pending": [{"id": "p", "spider": "category"}], "running": []}, ("pending", "p")),
        ({"pending": [], "running": [{"id": "r", "spider": "category"}]}, ("running", "r")),
        ({"pending": [], "running": [{"id": "w", "spider": "webapi"}]}, None),
        ({}, None),
    ],
)
def test_active_job(jobs, expected):
    assert active_job(jobs, "category") == expected


@pytest.mark.parametrize(
    "log, ok, detail",
    [
        ("x\n2026 [newscrawler.extensions.summary] INFO: Summary: 3 posts written\n", True, "3 posts written"),
        ("2026 [h] ERROR: Run failed: 2 page(s) given up\n2026 [s] INFO: Summary: 0 posts", False, "2 page(s) given up"),
        ("2026 [scrapy] INFO: Spider opened\n", False, "the run ended without a summary (killed, or it failed to start)"),
        ("", False, "the run ended without a summary (killed, or it failed to start)"),
    ],
)
def test_outcome(log, ok, detail):
    assert outcome(log) == (ok, detail)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("6 of 9 articles dropped (over 20%)", "7 of 12 articles dropped (over 20%)", True),
        ("1 page(s) given up after retries", "category dzrb listed 20 articles before and none now", False),
        (None, "1 page(s) given up after retries", False),
    ],
)
def test_a_failure_that_goes_on_is_the_same_whatever_its_figures(a, b, same):
    assert same_failure(a, b) is same
