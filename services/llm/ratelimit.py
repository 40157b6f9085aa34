"""Client-side rate limit per provider: a token bucket in process that hands out
reservations, or a window shared by every replica when the state is shared.

A caller reserves a token and learns how long to wait for it; reservations queue
fairly without a lock because nothing awaits between the check and the update.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # imports redis, which only a shared state needs
    from services.runtime.state.limits import GlobalRateLimit


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

    async def acquire(self, max_wait: float) -> bool:
        """Waits for a token; False (at once, nothing taken) when it is further than `max_wait`."""
        wait = self.reserve(max_wait)
        if wait is None:
            return False
        if wait > 0:
            await asyncio.sleep(wait)
        return True


class Throttle(Protocol):
    async def acquire(self, max_wait: float) -> bool: ...


class SharedThrottle:
    """A provider's limit shared by every replica (a moving window in the shared state).

    The window admits nothing ahead of its time, so a caller asks again when the window
    says one is free, as long as that is within `max_wait`. A state outage lets calls
    through (the shared limit fails open).
    """

    def __init__(
        self,
        limit: "GlobalRateLimit",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limit = limit
        self._sleep = sleep

    async def acquire(self, max_wait: float) -> bool:
        left = max_wait
        while (wait := await self._limit.admit("")) > 0:
            if wait > left:
                return False
            await self._sleep(wait)
            left -= wait
        return True
