"""A circuit breaker per provider: stop calling a provider that keeps failing.

Closed: calls pass; `failures` consecutive failures open it. Open: no calls until
`cooldown` has passed; then half-open: one probe call at a time; its success closes
the breaker, its failure opens it for another cooldown.
"""

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self._cooldown:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def retry_after(self) -> float:
        """Seconds until the next probe may go out (0 unless open)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self._cooldown - self._clock())

    def try_acquire(self) -> bool:
        """Whether a call may go out now; in half-open, only the one probe may."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN or self._probing:
            return False
        self._probing = True
        return True

    def record_success(self) -> None:
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._consecutive += 1
        if self._probing or self._consecutive >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False

    def release(self) -> None:
        """A call ended with no verdict on the provider (cancelled, or the request's fault)."""
        self._probing = False
