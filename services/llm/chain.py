"""The provider chain: ask each configured model in turn, down to the offline engine.

Per provider: cache lookup, then guarded calls (breaker, rate limit, retries,
deadline), a validated and rule-checked answer, one re-ask after a malformed one.
A content-safety block ends the run; any other failure moves on to the next provider.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import pydantic

from services.llm import metrics
from services.llm.asking import first_request, json_schema_of, reask
from services.llm.breaker import BreakerState
from services.llm.cache import FailSoftCache, MemoryCache, ResponseCache, cache_key
from services.llm.caller import GuardedProvider, Spend
from services.llm.errors import Failure, ProviderError
from services.llm.lineup import Lineup, Slot, build_lineup
from services.llm.prompts import PromptMissing
from services.llm.providers.base import ModelRequest, RawAnswer
from services.llm.records import CallHook, ModelCallRecord
from services.llm.settings import LLMSettings
from services.llm.structured import MalformedAnswer, parse_answer
from services.llm.telemetry import record_call, record_fallback
from services.llm.usage import Usage
from services.runtime import deadlines
from services.runtime.errors import (
    DeadlineExceeded,
    Internal,
    InvalidArgument,
    ResourceExhausted,
    Unavailable,
)
from services.runtime.state.connection import SharedState

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=pydantic.BaseModel)
CACHE = "cache"  # the provider name of an answer from the response cache

__all__ = [
    "ModelCallRecord",
    "ModelChain",
    "ModelResult",
    "ModelTask",
    "Usage",
    "create_model_chain",
]


@dataclass(frozen=True)
class ModelTask(Generic[T]):
    name: str  # prompt name: "draft_itinerary", "revise_itinerary", ...
    schema: type[T]  # the pydantic model the answer must validate against
    variables: Mapping[str, Any]  # JSON-able inputs rendered into the prompt
    offline: Callable[[], T]  # the deterministic offline engine's answer
    check: Callable[[T], list[str]]  # rule violations of an answer (empty = acceptable)


@dataclass(frozen=True)
class ModelResult(Generic[T]):
    value: T
    provider: str  # "offline", "openai:gpt-4.1-mini", "cache:openai:gpt-4.1-mini" ...
    usage: Usage
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Run(Generic[T]):
    """The state of one `ModelChain.run`."""

    task: ModelTask[T]
    spend: Spend = field(default_factory=Spend)
    warnings: list[str] = field(default_factory=list)
    failures: list[ProviderError] = field(default_factory=list)
    request: ModelRequest | None = None
    prompt_version: int = 0
    cache_result: str | None = None  # "hit" or "miss" once the cache was asked


class ModelChain:
    def __init__(
        self,
        lineup: Lineup,
        cache: FailSoftCache,
        *,
        reasks: int,
        deadline_margin: float,
        max_output_tokens: int | None,
        hook: CallHook | None,
        refuse_over_budget: bool = False,
    ) -> None:
        metrics.register_chain_metrics()
        self._refuse_over_budget = refuse_over_budget
        self._slots = lineup.slots
        self._cache = cache
        self._reasks = reasks
        self._margin = deadline_margin
        self._max_output_tokens = max_output_tokens
        self._hook = hook

    async def run(self, task: ModelTask[T]) -> ModelResult[T]:
        """The first acceptable answer down the chain."""
        left = deadlines.remaining()
        if left is not None and left <= 0:
            raise DeadlineExceeded("no time left for a model call", reason="LLM_DEADLINE_EXCEEDED")
        run = _Run(task)
        try:
            for index, slot in enumerate(self._slots):
                if slot.guard is None:
                    return self._offline(run)
                result = await self._try_remote(run, slot, slot.guard, index)
                if result is not None:
                    return result
            raise self._exhausted(run)
        finally:
            if run.cache_result is not None:
                metrics.CACHE.labels(run.cache_result).inc()
            self._update_gauges()

    def status(self) -> dict[str, str]:
        """provider -> "closed" / "open" / "half_open"."""
        states = {
            slot.spec.name: slot.guard.breaker.state.value if slot.guard else "closed"
            for slot in self._slots
        }
        self._update_gauges()
        return states

    def offline_only(self) -> bool:
        """Whether remote providers are configured but every one's breaker is open."""
        guards = self._guards()
        return bool(guards) and all(g.breaker.state is not BreakerState.CLOSED for g in guards)

    async def aclose(self) -> None:
        """Closes the SDK clients and the cache the chain built."""
        for guard in self._guards():
            await guard.provider.aclose()
        await self._cache.aclose()

    async def _try_remote(
        self, run: _Run[T], slot: Slot, guard: GuardedProvider, index: int
    ) -> ModelResult[T] | None:
        if run.request is None:
            run.request, run.prompt_version = self._first_request(run.task)
        key = self._key(run, slot)
        cached = await self._cached(run, key, slot)
        if cached is not None:
            return cached
        try:
            value = await self._ask(run, guard, run.request, index)
        except ProviderError as exc:
            if exc.failure is Failure.BLOCKED:
                raise _blocked(slot) from None
            if exc.failure is Failure.BUDGET and self._refuse_over_budget:
                raise _over_budget(exc) from None
            self._fell_back(run, exc, index)
            return None
        await self._store(key, value)
        return ModelResult(value, slot.spec.name, run.spend.usage, run.warnings)

    async def _ask(
        self, run: _Run[T], guard: GuardedProvider, request: ModelRequest, index: int
    ) -> T:
        """The answer of one provider, re-asked after a malformed one."""
        reserve = self._reserve(index)

        def accept(answer: RawAnswer) -> T:
            try:
                return parse_answer(answer.text, run.task.schema, run.task.check).value
            except MalformedAnswer as exc:
                if answer.truncated:
                    exc.errors.insert(0, "the answer was cut off at the length limit; be briefer")
                raise

        for ask in range(self._reasks + 1):
            try:
                return await guard.call(request, run.task.name, reserve, run.spend, accept)
            except MalformedAnswer as exc:
                # The problems may quote the traveller's request: details at DEBUG only.
                logger.info("%s gave a malformed answer (ask %d)", guard.name, ask + 1)
                logger.debug("malformed answer of %s: %s", guard.name, exc)
                if ask < self._reasks:
                    request = reask(request, exc.text, exc.errors)
        raise ProviderError(Failure.MALFORMED, "no acceptable answer after re-asking")

    def _offline(self, run: _Run[T]) -> ModelResult[T]:
        start, began = time.time(), time.monotonic()
        outcome = "error"
        try:
            value = run.task.offline()
            outcome = "success"
        finally:
            record = ModelCallRecord(
                run.task.name, "offline", "offline", start, time.monotonic() - began, outcome
            )
            record_call(record, self._hook)
        return ModelResult(value, "offline", run.spend.usage, run.warnings)

    def _first_request(self, task: ModelTask[T]) -> tuple[ModelRequest, int]:
        try:
            return first_request(task.name, task.variables, task.schema, self._max_output_tokens)
        except PromptMissing as exc:
            # A deployment bug: loud, not papered over by the offline engine.
            raise Internal(str(exc), reason="LLM_PROMPT_MISSING") from None

    async def _cached(self, run: _Run[T], key: str, slot: Slot) -> ModelResult[T] | None:
        """A stored answer, reported as the cache's ("cache:openai:gpt-4.1-mini"): no call,
        no cost, and the name of the provider that once gave it."""
        run.cache_result = run.cache_result or "miss"
        start, began = time.time(), time.monotonic()
        text = await self._cache.get(key)  # a backend that is down answers None
        if text is None:
            return None
        try:
            value = run.task.schema.model_validate_json(text)
        except pydantic.ValidationError:
            return None  # stored by an older schema; ask again
        run.cache_result = "hit"
        record = ModelCallRecord(
            run.task.name, CACHE, slot.spec.name, start, time.monotonic() - began, "success"
        )
        record_call(record, self._hook)
        return ModelResult(value, f"{CACHE}:{slot.spec.name}", run.spend.usage, run.warnings)

    async def _store(self, key: str, value: pydantic.BaseModel) -> None:
        await self._cache.set(key, value.model_dump_json())

    def _key(self, run: _Run[T], slot: Slot) -> str:
        schema = json_schema_of(run.task.schema)
        return cache_key(
            run.task.name, run.task.variables, slot.spec.name, run.prompt_version, schema
        )

    def _fell_back(self, run: _Run[T], exc: ProviderError, index: int) -> None:
        source = self._slots[index].spec.name
        target = self._slots[index + 1].spec.name if index + 1 < len(self._slots) else "none"
        reason = exc.failure.value
        record_fallback(source, target, reason)
        run.failures.append(exc)
        if exc.failure is Failure.BUDGET:
            run.warnings.append(f"{exc} for today; planned with {target}")
        else:
            run.warnings.append(f"model {source} did not answer ({reason}); fell back to {target}")
        logger.warning("model %s did not answer (%s: %s); next: %s", source, reason, exc, target)

    def _reserve(self, index: int) -> float:
        """Deadline seconds kept back for the offline engine, when it comes later."""
        later = self._slots[index + 1 :]
        return self._margin if any(slot.guard is None for slot in later) else 0.0

    def _exhausted(self, run: _Run[T]) -> Exception:
        left = deadlines.remaining()
        reasons = ",".join(f.failure.value for f in run.failures) or "none configured"
        if (left is not None and left <= 0) or any(
            f.failure is Failure.DEADLINE for f in run.failures[-1:]
        ):
            return DeadlineExceeded(
                "the model providers did not answer before the deadline",
                reason="LLM_DEADLINE_EXCEEDED",
                metadata={"failures": reasons},
            )
        hints = [f.retry_after for f in run.failures if f.retry_after is not None]
        return Unavailable(
            "no model provider could answer",
            reason="LLM_UNAVAILABLE",
            metadata={"failures": reasons},
            retry_after=max(1.0, min(hints)) if hints else 1.0,
        )

    def _guards(self) -> list[GuardedProvider]:
        return [slot.guard for slot in self._slots if slot.guard is not None]

    def _update_gauges(self) -> None:
        for guard in self._guards():
            state = guard.breaker.state.value
            metrics.BREAKER_STATE.labels(guard.name).set(metrics.BREAKER_VALUES[state])
        metrics.OFFLINE_ONLY.set(1 if self.offline_only() else 0)


def _over_budget(exc: ProviderError) -> ResourceExhausted:
    wait = exc.retry_after or 0.0
    reset = datetime.fromtimestamp(time.time() + wait, UTC).isoformat(timespec="seconds")
    return ResourceExhausted(
        f"{exc}; it resets at {reset}",
        reason="BUDGET_EXCEEDED",
        metadata={"reset_time": reset},
        retry_after=wait,
    )


def _blocked(slot: Slot) -> InvalidArgument:
    return InvalidArgument(
        "the model provider's content filter refused this request",
        reason="LLM_CONTENT_BLOCKED",
        metadata={"provider": slot.spec.name},
    )


def create_model_chain(
    settings: LLMSettings,
    *,
    on_call: CallHook | None = None,
    cache: ResponseCache | None = None,
    state: SharedState | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ModelChain:
    """The chain `TRIPMESH_MODELS` describes (or the keys, when it is unset); SDKs are
    imported only for the providers in it.

    A `cache` passed in stays the caller's to close; one built from settings is the chain's.
    `clock` times the breakers' cooldowns (tests pass their own instead of sleeping).
    """
    return ModelChain(
        build_lineup(settings, on_call, state, clock),
        FailSoftCache(cache, owned=False)
        if cache is not None
        else FailSoftCache(_build_cache(settings), owned=True),
        reasks=settings.llm_reasks,
        deadline_margin=settings.llm_deadline_margin,
        max_output_tokens=settings.llm_max_output_tokens,
        hook=on_call,
        refuse_over_budget=settings.budget_exceeded == "refuse",
    )


def _build_cache(settings: LLMSettings) -> ResponseCache:
    """Redis when `TRIPMESH_CACHE_URL` is set (imported only then), else in-process LRU."""
    if settings.cache_url is None or settings.llm_cache_size == 0:
        return MemoryCache(settings.llm_cache_size, settings.llm_cache_ttl)
    from services.llm.redis_cache import RedisCache

    return RedisCache(settings.cache_url.get_secret_value(), settings.llm_cache_ttl)
