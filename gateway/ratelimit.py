"""Token buckets per client (API key id, or IP without keys).

A bucket holds up to `burst` tokens and gains `per_minute / 60` a second; a
request takes one. Idle buckets are full, so the table forgets the oldest
ones beyond `max_clients` without changing anyone's outcome much.
"""

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from services.runtime.state.connection import SharedState
from services.runtime.token_bucket import TokenBucket


class Admission(Protocol):
    async def admit(self, client: str) -> float:
        """0 when the client may go on, else the seconds until it may."""


class RateLimiter:
    """`take(client)` → 0 when allowed, else the seconds until a token is back."""

    def __init__(
        self,
        per_minute: int,
        burst: int = 0,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = per_minute > 0
        self._per_minute = per_minute
        self._burst = float(burst or per_minute)
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    async def admit(self, client: str) -> float:
        return self.take(client)

    def take(self, client: str) -> float:
        """Takes a token of `client`'s bucket; returns 0, or seconds to wait when it is empty."""
        if not self.enabled:
            return 0.0
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = TokenBucket(self._per_minute, self._burst, self._clock)
        self._buckets[client] = bucket  # most recently used last
        if len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)
        return bucket.take()


def retry_after_seconds(wait: float) -> int:
    """A Retry-After value: whole seconds, at least 1."""
    return max(1, math.ceil(wait))


def build_admission(per_minute: int, burst: int, state: SharedState | None) -> Admission:
    """Across replicas when the state is shared (a moving window of `per_minute`), else a
    bucket in this process; off when `per_minute` is 0."""
    if state is None or per_minute <= 0:
        return RateLimiter(per_minute, burst)
    from services.runtime.state.limits import GlobalRateLimit  # imports redis

    return GlobalRateLimit(state, "gateway", per_minute)
