from newscrawler.breaker import Breaker


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_opens_after_failures_in_a_row_and_tries_again_now_and_then():
    clock = Clock()
    breaker = Breaker(3, retry_after=30, clock=clock)
    assert [breaker.failed() for _ in range(2)] == [False, False] and breaker.allows()
    assert breaker.succeeded() is False  # a success resets the count
    assert [breaker.failed() for _ in range(3)] == [False, False, True]
    assert breaker.open and not breaker.allows()
    assert breaker.failed() is False, "opens once"
    clock.now = 30
    assert breaker.allows() and not breaker.allows(), "one try every retry_after"
    assert breaker.succeeded() is True and breaker.allows() and not breaker.open


def test_a_limit_of_zero_never_opens():
    breaker = Breaker(0, retry_after=30)
    assert not any(breaker.failed() for _ in range(100)) and breaker.allows()
