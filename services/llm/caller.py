"""One remote provider behind its guards: breaker, rate limit, deadline, the retry loop.

This is the only retry loop towards a provider (the SDKs' own retries are off).
A call never outlives the RPC's deadline minus `reserve`, the time the chain keeps
for the offline fallback.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from opentelemetry.trace import Span

from services.llm import metrics
from services.llm.breaker import CircuitBreaker
from services.llm.errors import Failure, ProviderError
from services.llm.genai import model_call_span, record_genai
from services.llm.pricing import PriceTable
from services.llm.providers.base import ModelRequest, Provider, RawAnswer
from services.llm.ratelimit import Throttle
from services.llm.records import CallHook, ModelCallRecord
from services.llm.spending import SpendGuard
from services.llm.structured import MalformedAnswer
from services.llm.telemetry import record_call
from services.llm.usage import Usage
from services.runtime import deadlines
from services.runtime.state.spend import Reservation
from tripmesh_retry import AsyncRetry

logger = logging.getLogger(__name__)

V = TypeVar("V")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # per provider, the first call included
    backoff_base: float
    backoff_cap: float
    max_wait: float  # longest Retry-After or rate-limit wait worth taking
    call_timeout: float  # one call, when the deadline allows more

    def retry(self, rng: random.Random) -> AsyncRetry:
        """Retryable failures, full-jitter backoff or the provider's Retry-After; never a
        wait over `max_wait` (a longer Retry-After fails over at once)."""

        def worth_waiting(exc: Exception) -> bool:
            return (
                isinstance(exc, ProviderError)
                and exc.failure.retryable
                and (exc.retry_after is None or exc.retry_after <= self.max_wait)
            )

        return AsyncRetry(
            worth_waiting,
            initial=self.backoff_base,
            maximum=min(self.backoff_cap, self.max_wait),
            timeout=None,  # the deadline's, set per call
            attempts=self.attempts,
            hint=_retry_after,
            rng=rng,
        )


def _retry_after(exc: Exception) -> float | None:
    return exc.retry_after if isinstance(exc, ProviderError) else None


@dataclass
class Spend:
    """What a chain run has consumed so far, answered calls only."""

    usage: Usage = field(default_factory=Usage)


class GuardedProvider:
    def __init__(
        self,
        provider: Provider,
        breaker: CircuitBreaker,
        limiter: Throttle | None,
        policy: RetryPolicy,
        prices: PriceTable,
        hook: CallHook | None,
        rng: random.Random,
        spending: SpendGuard | None = None,
    ) -> None:
        self.provider = provider
        self._spending = spending
        self.breaker = breaker
        self._limiter = limiter
        self._policy = policy
        self._retry = policy.retry(rng).with_on_retry(self._log_retry)
        self._prices = prices
        self._hook = hook

    @property
    def name(self) -> str:
        return f"{self.provider.kind}:{self.provider.model}"

    async def call(
        self,
        request: ModelRequest,
        task: str,
        reserve: float,
        spend: Spend,
        accept: Callable[[RawAnswer], V],
    ) -> V:
        """The accepted answer; ProviderError once retrying is pointless, MalformedAnswer
        when `accept` rejects an answer (a re-ask is the chain's decision, not a retry)."""
        # Waiting past the deadline helps nobody; the next provider may answer now.
        retry = self._retry.with_timeout(self._time_left(reserve))
        return await retry.call(self._attempt, request, task, reserve, spend, accept)

    def _log_retry(self, exc: Exception, attempt: int, delay: float) -> None:
        failure = exc.failure.value if isinstance(exc, ProviderError) else type(exc).__name__
        logger.info("%s failed (%s); retry %d in %.2fs", self.name, failure, attempt, delay)

    async def _attempt(
        self,
        request: ModelRequest,
        task: str,
        reserve: float,
        spend: Spend,
        accept: Callable[[RawAnswer], V],
    ) -> V:
        if not self.breaker.try_acquire():
            raise ProviderError(
                Failure.CIRCUIT_OPEN, "circuit open", retry_after=self.breaker.retry_after()
            )
        try:
            await self._throttle(reserve)
            limit, by_deadline = self._timeout(reserve)
            reservation = await self._reserve_spend(request)
        except BaseException:
            self.breaker.release()
            raise
        before = spend.usage.cost_usd
        try:
            return await self._timed_call(request, task, limit, by_deadline, spend, accept)
        finally:
            if self._spending is not None:
                await self._spending.settle(reservation, spend.usage.cost_usd - before)

    async def _reserve_spend(self, request: ModelRequest) -> Reservation | None:
        if self._spending is None:
            return None
        return await self._spending.reserve(request, self.provider.model)

    async def _timed_call(
        self,
        request: ModelRequest,
        task: str,
        limit: float,
        by_deadline: bool,
        spend: Spend,
        accept: Callable[[RawAnswer], V],
    ) -> V:
        start, began = time.time(), time.monotonic()
        billed: tuple[int, int] | None = None  # input and output tokens, once known
        outcome = Failure.UNAVAILABLE.value
        with model_call_span(self.provider.kind, self.provider.model) as span:
            try:
                answer = await self._generate(request, limit, by_deadline)
                billed = (answer.input_tokens, answer.output_tokens)
                self.breaker.record_success()
                value = accept(answer)
                outcome = "success"
                return value
            except MalformedAnswer:
                outcome = Failure.MALFORMED.value
                raise
            except ProviderError as exc:
                outcome = exc.failure.value
                if exc.input_tokens or exc.output_tokens:  # blocked, but billed
                    billed = (exc.input_tokens, exc.output_tokens)
                self._judge(exc.failure)
                raise
            except asyncio.CancelledError:
                outcome = "cancelled"
                self.breaker.release()
                raise
            except Exception:
                outcome = "error"  # a bug in accept(), not the provider's fault
                self.breaker.release()
                raise
            finally:
                usage = self._usage(billed)
                spend.usage += usage
                self._record(task, start, time.monotonic() - began, outcome, usage, span)

    async def _generate(self, request: ModelRequest, limit: float, by_deadline: bool) -> RawAnswer:
        try:
            async with asyncio.timeout(limit):
                return await self.provider.generate(request)
        except TimeoutError:
            failure = Failure.DEADLINE if by_deadline else Failure.TIMEOUT
            raise ProviderError(failure, f"no answer within {limit:.2f}s") from None
        except ProviderError:
            raise
        except Exception as exc:
            # An SDK's transport error (httpx, aiohttp) or an unexpected answer shape.
            logger.warning("%s call failed: %s", self.name, type(exc).__name__, exc_info=True)
            raise ProviderError(Failure.UNAVAILABLE, type(exc).__name__) from None

    def _judge(self, failure: Failure) -> None:
        """Tells the breaker whether the provider (not this request) is at fault."""
        if failure.counts_against_provider or failure is Failure.DEADLINE:
            self.breaker.record_failure()
        else:  # blocked, bad request: the provider answered
            self.breaker.record_success()

    async def _throttle(self, reserve: float) -> None:
        if self._limiter is None:
            return
        left = self._time_left(reserve)
        limit = self._policy.max_wait if left is None else min(self._policy.max_wait, left)
        if not await self._limiter.acquire(limit):
            raise ProviderError(Failure.THROTTLED, "client-side rate limit")

    def _timeout(self, reserve: float) -> tuple[float, bool]:
        """The call's timeout, and whether the deadline (not the call timeout) set it."""
        left = self._time_left(reserve)
        if left is None or left >= self._policy.call_timeout:
            return self._policy.call_timeout, False
        if left <= 0:
            raise ProviderError(Failure.DEADLINE, "no time left before the deadline")
        return left, True

    @staticmethod
    def _time_left(reserve: float) -> float | None:
        left = deadlines.remaining()
        return None if left is None else left - reserve

    def _usage(self, billed: tuple[int, int] | None) -> Usage:
        if billed is None:
            return Usage()
        input_tokens, output_tokens = billed
        cost = self._prices.cost(self.provider.model, input_tokens, output_tokens)
        return Usage(1, input_tokens, output_tokens, cost)

    def _record(
        self, task: str, start: float, duration: float, outcome: str, usage: Usage, span: Span
    ) -> None:
        record = ModelCallRecord(
            task=task,
            provider=self.provider.kind,
            model=self.provider.model,
            start=start,
            duration=duration,
            outcome=outcome,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
        )
        record_call(record, self._hook)
        record_genai(record, span)
        metrics.BREAKER_STATE.labels(self.name).set(
            metrics.BREAKER_VALUES[self.breaker.state.value]
        )
