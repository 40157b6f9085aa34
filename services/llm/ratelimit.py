"""Client-side rate limit per provider: a token bucket that hands out reservations.

A caller reserves a token and learns how long to wait for it; reservations queue
fairly without a lock because nothing awaits between the check and the update.
"""

import time
from collections.abc import Callable


class TokenBucket:
    """`per_minute` requests a minute on average, `burst` at once."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._updated = clock()

    def reserve(self, max_wait: float) -> float | None:
        """Takes a token; returns the seconds to wait before using it, or None (and takes
        nothing) when that would be longer than `max_wait`."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
        if wait > max_wait:
            return None
        self._tokens -= 1
        return wait
