"""The process's connection to the shared state, and what an outage of it means.

Every user of the state goes through `SharedState.run`: an error or a timeout marks
the state down (one warning per outage, a counter per user), and for `rest` seconds
nobody waits on it again, so a Redis that hangs costs one short timeout per rest,
not one per request. The first success after that says it is back.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from prometheus_client import Counter, Gauge

from services.runtime.errors import Unavailable
from services.runtime.state.settings import StateSettings

if TYPE_CHECKING:  # redis is imported only when TRIPMESH_STATE_URL is set
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

T = TypeVar("T")

STATE_UP = Gauge("tripmesh_state_up", "1 while the shared state (Redis) answers, else 0.")
STATE_ERRORS = Counter(
    "tripmesh_state_errors_total",
    "Operations on the shared state that failed or were skipped during an outage, by user.",
    ["user"],
)


class StateDown(Exception):
    """The shared state did not answer (or is resting after it did not); nothing was done."""


class SharedState:
    """One Redis client per process, with the outage bookkeeping its users share."""

    def __init__(
        self,
        client: "Redis",
        *,
        prefix: str,
        rest: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self._rest = rest
        self._clock = clock
        self._down_until: float | None = None
        STATE_UP.set(1)

    @classmethod
    def from_settings(cls, settings: StateSettings) -> "SharedState | None":
        """The shared state of TRIPMESH_STATE_URL, or None when it is unset."""
        if settings.state_url is None:
            return None
        client = connect(settings.state_url.get_secret_value(), settings.state_timeout)
        return cls(client, prefix=settings.state_prefix, rest=settings.state_rest)

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    @property
    def down(self) -> bool:
        """True while resting after a failure."""
        return self._down_until is not None and self._clock() < self._down_until

    async def run(self, user: str, operation: Callable[["Redis"], Awaitable[T]]) -> T:
        """`operation(client)`, or StateDown when the state is resting or fails now."""
        if self.down:
            STATE_ERRORS.labels(user).inc()
            raise StateDown("shared state is down")
        try:
            result = await operation(self.client)
        except Exception as exc:
            self._failed(user, exc)
            raise StateDown(f"shared state failed: {type(exc).__name__}") from exc
        self._recovered()
        return result

    def refusal(self, what: str) -> Unavailable:
        """The error of a write refused while the state is down, retryable after the rest."""
        return Unavailable(
            f"{what}: the shared state is unavailable; retry shortly",
            reason="STATE_UNAVAILABLE",
            retry_after=self._rest,
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    def _failed(self, user: str, exc: Exception) -> None:
        STATE_ERRORS.labels(user).inc()
        if self._down_until is None:
            logger.warning(
                "shared state failed for the %s (%s: %s); degraded until it is back",
                user,
                type(exc).__name__,
                exc,
            )
            STATE_UP.set(0)
        self._down_until = self._clock() + self._rest

    def _recovered(self) -> None:
        if self._down_until is not None:
            logger.info("shared state is back")
            STATE_UP.set(1)
            self._down_until = None


def connect(url: str, timeout: float) -> "Redis":
    """A client with short timeouts and no retries: callers have a fallback, not time."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )
