"""Overload control: an adaptive concurrency limit with a short, bounded wait.

The limit follows Netflix concurrency-limits' Gradient2: after each completed
call it moves towards `limit * gradient + sqrt(limit)`, where the gradient is
how far latency has risen above what the method costs when the process is not
queueing (`tolerance / (latency / baseline)`, kept within [0.5, 1]). Latency is
normalised per method (a cheap GetTrip and a PlanTrip share one limit), and the
baseline is the lowest latency seen, drifting slowly upwards so that a machine
that got slower for good is learnt. Calls beyond the limit wait in a queue of half the
limit, at most `max_wait` or the method's typical latency if longer (a burst a
little over the limit is served, not refused); beyond the queue they are refused at once:
a client hears "overloaded, retry in X" within milliseconds instead of queueing for seconds.

Hand-written rather than a dependency: the Python ports of concurrency-limits are
unmaintained or thread-based, and this is the one idea, in one small module.
"""

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from services.runtime import errors

BASELINE_DRIFT = 0.0005  # per sample: a baseline e-folds upwards in ~2000 slower calls
RATIO_WEIGHT = 0.1  # EWMA weight of a new sample in the latency ratio
RETRY_DELAY_RANGE = (0.05, 2.0)  # seconds a refused client is told to wait
MAX_QUEUE_WAIT = 2.0  # seconds a queued call waits at most, however slow its method


@dataclass(frozen=True)
class LimitOptions:
    """Bounds and tuning of one adaptive limit."""

    initial: float = 32
    min_limit: float = 32
    max_limit: float = 512
    tolerance: float = 2.0  # latency up to this many baselines does not shrink the limit
    smoothing: float = 0.2
    max_wait: float = 0.05  # seconds a call may wait for a slot


class GradientLimit:
    """The number of calls to serve at once, learnt from their latency (no I/O, no clock)."""

    def __init__(self, options: LimitOptions) -> None:
        self.options = options
        self._limit = float(min(max(options.initial, options.min_limit), options.max_limit))
        self._baselines: dict[str, float] = {}
        self._typical: dict[str, float] = {}
        self._ratio = 1.0

    @property
    def limit(self) -> int:
        return max(1, int(self._limit))

    def baseline(self, method: str) -> float | None:
        """The lowest recent latency of `method`: less time left than this cannot succeed."""
        return self._baselines.get(method)

    def typical(self, method: str) -> float | None:
        """A smoothed latency of `method`, roughly when a slot frees up again."""
        return self._typical.get(method)

    def observe(self, method: str, latency: float, inflight: int) -> None:
        """Learns from one completed call that took `latency` seconds with `inflight` running."""
        latency = max(latency, 1e-6)
        baseline = self._baselines.get(method)
        baseline = latency if baseline is None else min(latency, baseline * (1 + BASELINE_DRIFT))
        self._baselines[method] = baseline
        typical = self._typical.get(method, latency)
        self._typical[method] = typical + RATIO_WEIGHT * (latency - typical)
        self._ratio += RATIO_WEIGHT * (latency / baseline - self._ratio)
        self._update(inflight)

    def dropped(self) -> None:
        """A call waited for a slot in vain: the queue is building, shrink as hard as allowed."""
        self._set(self._limit * (1 - self.options.smoothing / 2))

    def _update(self, inflight: int) -> None:
        options = self.options
        gradient = max(0.5, min(1.0, options.tolerance / self._ratio))
        if gradient >= 1.0 and inflight < self._limit / 2:
            return  # not using the limit it has: no evidence that more would be fine
        target = self._limit * gradient + math.sqrt(self._limit)
        self._set(self._limit * (1 - options.smoothing) + target * options.smoothing)

    def _set(self, value: float) -> None:
        self._limit = min(self.options.max_limit, max(self.options.min_limit, value))


class Admission:
    """Slots under a GradientLimit, with a short FIFO wait; refusals are typed errors."""

    def __init__(self, options: LimitOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = GradientLimit(options)
        self.inflight = 0
        self._clock = clock
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def queued(self) -> int:
        return len(self._waiters)

    async def enter(self, method: str, remaining: float | None) -> float:
        """Takes a slot (waiting at most `max_wait`); returns when the call started.

        Raises DeadlineExceeded when `remaining` seconds cannot cover the method's
        cheapest latency, ResourceExhausted (with a retry delay) when no slot frees in time.
        """
        self._refuse_hopeless(method, remaining)
        await self._acquire(method, remaining)
        return self._clock()

    def leave(self, method: str, started: float, learn: bool) -> None:
        """Gives the slot back; `learn` when the call completed normally (a failure or a
        long-lived stream says nothing of load)."""
        self.inflight -= 1
        if learn:
            self.limit.observe(method, self._clock() - started, self.inflight + 1)
        self._wake()

    @asynccontextmanager
    async def slot(self, method: str, remaining: float | None) -> AsyncIterator[None]:
        """Runs the block in a slot (see `enter`); learns from it when it does not raise."""
        started = await self.enter(method, remaining)
        completed = False
        try:
            yield
            completed = True
        finally:
            self.leave(method, started, completed)

    def _refuse_hopeless(self, method: str, remaining: float | None) -> None:
        baseline = self.limit.baseline(method)
        if remaining is not None and baseline is not None and remaining < baseline:
            raise errors.DeadlineExceeded(
                f"{remaining * 1000:.0f} ms left, {method} takes at least"
                f" {baseline * 1000:.0f} ms: refused before starting",
                reason="DEADLINE_TOO_SHORT",
                metadata={"method": method},
            )

    async def _acquire(self, method: str, remaining: float | None) -> None:
        if self.inflight < self.limit.limit and not self._waiters:
            self.inflight += 1
            return
        if len(self._waiters) >= max(1, self.limit.limit // 2):  # a short queue: half the limit
            raise self._overloaded(method, "the queue is full")
        wait = self.longest_wait(method)
        if remaining is not None:
            wait = min(wait, remaining - (self.limit.baseline(method) or 0.0))
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(max(wait, 0.0)):
                await waiter  # _wake counts us in before resolving it
        except TimeoutError:
            self._give_up(waiter)
            self.limit.dropped()
            raise self._overloaded(method, "none freed in time") from None
        except asyncio.CancelledError:
            self._give_up(waiter)
            raise

    def longest_wait(self, method: str) -> float:
        """How long a queued call may wait for a slot: `max_wait`, or as long as the method
        typically takes if that is longer (by then a slot has freed, unless the queue is
        building; before any call of it has completed, MAX_QUEUE_WAIT); 0 never queues."""
        floor = self.limit.options.max_wait
        if floor <= 0:
            return 0.0
        typical = self.limit.typical(method)
        return min(max(floor, MAX_QUEUE_WAIT if typical is None else typical), MAX_QUEUE_WAIT)

    def _give_up(self, waiter: "asyncio.Future[None]") -> None:
        """Leaves the queue; a slot granted just as the wait ended goes to the next in line."""
        if waiter.done() and not waiter.cancelled():
            self.inflight -= 1
            self._wake()
            return
        waiter.cancel()
        with suppress(ValueError):
            self._waiters.remove(waiter)

    def _wake(self) -> None:
        while self._waiters and self.inflight < self.limit.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.inflight += 1
                waiter.set_result(None)

    def _overloaded(self, method: str, why: str) -> errors.ResourceExhausted:
        delay = retry_delay(self.limit.typical(method))
        return errors.ResourceExhausted(
            f"overloaded: all {self.limit.limit} slots busy and {why};"
            f" retry in {delay * 1000:.0f} ms",
            reason="OVERLOADED",
            metadata={"limit": str(self.limit.limit), "method": method},
            retry_after=delay,
        )


def retry_delay(typical: float | None) -> float:
    """What a refused client is told to wait: the method's typical latency, within
    RETRY_DELAY_RANGE, in steps of 10 ms (so that refusals repeat and their status is
    built once, see admission.py)."""
    low, high = RETRY_DELAY_RANGE
    return round(min(high, max(low, typical or low)), 2)
