import random

import pytest

from newscrawler.middlewares.backoff import backoff_delay


@pytest.mark.parametrize(
    "retry_times, base, cap, low, high",
    [
        (0, 0.5, 20, 0, 0),
        (1, 0.5, 20, 0.375, 0.625),
        (2, 0.5, 20, 0.75, 1.25),
        (3, 0.5, 20, 1.5, 2.5),
        (10, 0.5, 20, 15, 25),
        (3, 0, 20, 0, 0),
        (-1, 0.5, 20, 0, 0),
    ],
)
def test_backoff_grows_and_is_capped(retry_times, base, cap, low, high):
    rng = random.Random(1)
    for _ in range(50):
        assert low <= backoff_delay(retry_times, base, cap, rng) <= high
