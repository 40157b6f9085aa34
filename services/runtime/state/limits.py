"""Rate limits across every replica: a moving window per client in the shared state.

Built on the `limits` library (its Redis storage through redis-py, sharing the
process's connection pool). A limiter that cannot reach the state lets the request
through: a limiter outage must never take trips down. The fail-open is counted and
the outage is logged once by the shared state.
"""

import time
from collections.abc import Callable

from limits import RateLimitItemPerMinute
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import Counter

from services.runtime.state.connection import SharedState, StateDown

FAIL_OPEN = Counter(
    "tripmesh_rate_limit_fail_open_total",
    "Requests let through unchecked because the shared state was down, by limit.",
    ["limit"],
)


class GlobalRateLimit:
    """`admit(client)` → 0 when allowed, else the seconds until the window lets one more."""

    def __init__(
        self,
        state: SharedState,
        name: str,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._state = state
        self._clock = clock
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            # Documented by limits, though its option type names only scalars.
            connection_pool=state.client.connection_pool,  # type: ignore[arg-type]
            key_prefix=state.key("limits", name),
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(max(1, per_minute))

    async def admit(self, client: str) -> float:
        try:
            allowed = await self._state.run(
                f"{self.name} limit", lambda _: self._limiter.hit(self._item, client)
            )
            if allowed:
                return 0.0
            stats = await self._state.run(
                f"{self.name} limit", lambda _: self._limiter.get_window_stats(self._item, client)
            )
        except StateDown:
            FAIL_OPEN.labels(self.name).inc()
            return 0.0
        return max(0.001, stats.reset_time - self._clock())
