"""A circuit breaker: after a few failures in a row, go around a service
that is down instead of failing on it again and again."""

import time


class Breaker:
    """Open after `limit` failures in a row (0: never). While open,
    `allows()` lets one call through every `retry_after` seconds to try the
    service again; a success closes it."""

    def __init__(self, limit: int, retry_after: float, clock=time.monotonic):
        self.limit, self.retry_after, self.clock = limit, retry_after, clock
        self.failures = 0
        self.opened_at: float | None = None
        self.tried_at = 0.0

    @property
    def open(self) -> bool:
        return self.opened_at is not None

    def allows(self) -> bool:
        if not self.open:
            return True
        if self.clock() - self.tried_at >= self.retry_after:
            self.tried_at = self.clock()
            return True
        return False

    def failed(self) -> bool:
        """Count a failure; True when it opens the breaker."""
        self.failures += 1
        if self.open or not self.limit or self.failures < self.limit:
            return False
        self.opened_at = self.tried_at = self.clock()
        return True

    def succeeded(self) -> bool:
        """Count a success; True when it closes the breaker."""
        self.failures = 0
        was_open, self.opened_at = self.open, None
        return was_open
