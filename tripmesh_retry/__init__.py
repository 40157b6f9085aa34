"""The one retry of tripmesh: exponential backoff with full jitter, as an immutable policy.

Modelled on python-api-core's `google.api_core.retry.AsyncRetry`: `initial`, `maximum`
and `multiplier` shape the delays, `timeout` bounds the whole retrying, a `predicate`
names the failures worth another attempt, `with_*` return changed copies, and the
policy wraps a coroutine function as a decorator (`@retry`) or runs one
(`await retry.call(func, *args)`). The delays are full jitter (AWS Architecture Blog,
"Exponential Backoff and Jitter"): the n-th is uniform in [0, min(maximum, initial x
multiplier^n)], so that clients that failed together do not come back together.

What api-core's has not, and the callers need:

- `attempts`: at most that many calls, the first included (a model provider gets three,
  then the chain fails over to the next);
- `hint`: a delay the failure itself asks for (Retry-After, gRPC's RetryInfo), taken
  instead of the backoff's;
- `sleep`, `clock` and `rng` are injected, so that tests run on a fake clock;
- when retrying ends (predicate, attempts or timeout), the last failure is raised as it
  is, never wrapped in a RetryError: callers keep handling the errors they know.

That is also why api-core's own class (installed, through a2a-sdk) is not used: its
sleep and clock are fixed (asyncio.sleep, time.monotonic), it counts no attempts, knows
no hinted delay, and ends a timeout with RetryError.

Why a package of its own, at the bottom of the layers contract (pyproject.toml): the
Consul loops (`registry`) retry, and so do the balancer (`services.runtime`) and the
model caller (`services.llm`). `registry` sits below `services.runtime`, so the module
all three import must sit below `registry`, and a module under `registry` would read as
part of discovery. It imports nothing of tripmesh.
"""

import asyncio
import functools
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import ParamSpec, TypeVar

__all__ = ["AsyncRetry", "exponential_delays", "if_exception_type"]

P = ParamSpec("P")
R = TypeVar("R")

Predicate = Callable[[Exception], bool]
# The failure, the number of the attempt that failed (1: the first call), the coming delay.
OnRetry = Callable[[Exception, int, float], None]

_RNG = random.Random()


def if_exception_type(*types: type[Exception]) -> Predicate:
    """A predicate that retries the failures of these types (and their subclasses)."""

    def predicate(exc: Exception) -> bool:
        return isinstance(exc, types)

    return predicate


def exponential_delays(
    initial: float, maximum: float, multiplier: float = 2.0, rng: random.Random = _RNG
) -> Iterator[float]:
    """Endless full-jitter delays: the n-th (from 0) uniform in [0, min(maximum,
    initial x multiplier^n)]."""
    ceiling = min(initial, maximum)
    while True:
        yield rng.uniform(0.0, ceiling)
        ceiling = min(ceiling * multiplier, maximum)


def _no_hint(_: Exception) -> float | None:
    return None


@dataclass(frozen=True)
class AsyncRetry:
    """When and how long to wait before calling a coroutine function again.

    `timeout` (seconds, None: no end) is counted from the first call and checked before
    each retry: a delay that would reach it ends the retrying at once, as waiting for a
    retry that could not finish helps nobody.
    """

    predicate: Predicate
    initial: float = 1.0
    maximum: float = 60.0
    multiplier: float = 2.0
    timeout: float | None = 120.0
    attempts: int | None = None  # calls in all, the first included; None: no limit
    hint: Callable[[Exception], float | None] = _no_hint
    on_retry: OnRetry | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default=_RNG, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.initial <= 0 or self.maximum < 0 or self.multiplier < 1:
            raise ValueError("initial must be > 0, maximum >= 0 and multiplier >= 1")
        if self.attempts is not None and self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def with_predicate(self, predicate: Predicate) -> "AsyncRetry":
        return replace(self, predicate=predicate)

    def with_delay(
        self,
        initial: float | None = None,
        maximum: float | None = None,
        multiplier: float | None = None,
    ) -> "AsyncRetry":
        return replace(
            self,
            initial=self.initial if initial is None else initial,
            maximum=self.maximum if maximum is None else maximum,
            multiplier=self.multiplier if multiplier is None else multiplier,
        )

    def with_timeout(self, timeout: float | None) -> "AsyncRetry":
        return replace(self, timeout=timeout)

    def with_attempts(self, attempts: int | None) -> "AsyncRetry":
        return replace(self, attempts=attempts)

    def with_on_retry(self, on_retry: OnRetry | None) -> "AsyncRetry":
        return replace(self, on_retry=on_retry)

    def delays(self) -> Iterator[float]:
        """This policy's backoff delays, for a loop that waits without calling `call`."""
        return exponential_delays(self.initial, self.maximum, self.multiplier, self.rng)

    def __call__(self, func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """`func` retried by this policy: the decorator form."""

        @functools.wraps(func)
        async def retried(*args: P.args, **kwargs: P.kwargs) -> R:
            return await self.call(func, *args, **kwargs)

        return retried

    async def call(self, func: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs) -> R:
        """Awaits `func(*args, **kwargs)` until it returns or retrying ends; then raises
        the last failure."""
        deadline = None if self.timeout is None else self.clock() + self.timeout
        delays = self.delays()
        attempt = 1
        while True:
            try:
                return await func(*args, **kwargs)
            except Exception as exc:
                delay = self._delay(exc, attempt, next(delays), deadline)
                if delay is None:
                    raise
                if self.on_retry is not None:
                    self.on_retry(exc, attempt, delay)
            await self.sleep(delay)
            attempt += 1

    def _delay(
        self, exc: Exception, attempt: int, backoff: float, deadline: float | None
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up."""
        if not self.predicate(exc) or (self.attempts is not None and attempt >= self.attempts):
            return None
        hinted = self.hint(exc)
        delay = backoff if hinted is None else hinted
        if deadline is not None and self.clock() + delay >= deadline:
            return None
        return delay
