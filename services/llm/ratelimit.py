"""Client-side rate limit per provider: a token bucket in process that hands out
reservations, or a window shared by every replica when the state is shared.

A caller reserves a token and learns how long to wait for it; reservations queue
fairly without a lock because nothing awaits between the check and the update.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from services.runtime.token_bucket import TokenBucket

if TYPE_CHECKING:  # imports redis, which only a shared state needs
    from services.runtime.state.limits import GlobalRateLimit


class LocalThrottle:
    """A provider's limit in this process: a token bucket, waited on."""

    def __init__(self, bucket: TokenBucket) -> None:
        self._bucket = bucket

    async def acquire(self, max_wait: float) -> bool:
        """Waits for a token; False (at once, nothing taken) when it is further than
        `max_wait`."""
        wait = self._bucket.reserve(max_wait)
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
