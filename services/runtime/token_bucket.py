"""The token bucket: `per_minute` on average, `burst` at once. The one bucket of the mesh,
behind the gateway's per-client limits and the model providers' client-side limits."""

import time
from collections.abc import Callable


class TokenBucket:
    """Refills continuously at `per_minute / 60` tokens a second, up to `burst`."""

    __slots__ = ("_capacity", "_clock", "_rate", "_tokens", "_updated")

    def __init__(
        self, per_minute: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> float:
        """The seconds until a whole token is there (0: one is there now)."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate

    def reserve(self, max_wait: float) -> float | None:
        """Takes a token; returns the seconds to wait before using it, or None (and takes
        nothing) when that would be longer than `max_wait`."""
        wait = self._refill()
        if wait > max_wait:
            return None
        self._tokens -= 1
        return wait

    def take(self) -> float:
        """Takes a token now and returns 0; or takes nothing and returns the seconds until
        one is back."""
        wait = self.reserve(0.0)
        return self._refill() if wait is None else 0.0
