"""Builds the chain's providers from settings: order, keys, guards, shared limiters."""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.llm.breaker import CircuitBreaker
from services.llm.caller import GuardedProvider, RetryPolicy
from services.llm.pricing import PriceTable
from services.llm.providers import build_provider
from services.llm.ratelimit import LocalThrottle, SharedThrottle, Throttle
from services.llm.records import CallHook
from services.llm.settings import LLMSettings
from services.llm.specs import KEY_VARIABLES, ProviderSpec, with_fallback_model
from services.llm.spending import SpendGuard
from services.runtime.errors import FailedPrecondition
from services.runtime.state.connection import SharedState
from services.runtime.state.spend import create_ledger
from services.runtime.token_bucket import TokenBucket

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    """One place in the chain; `guard` is None for the offline engine."""

    spec: ProviderSpec
    guard: GuardedProvider | None


@dataclass(frozen=True)
class Lineup:
    slots: list[Slot]


def build_lineup(
    settings: LLMSettings,
    hook: CallHook | None,
    state: SharedState | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Lineup:
    """The chain's slots; FailedPrecondition when a provider it names lacks its key, so
    that the service stops at start rather than fail every call."""
    problem = settings.missing_key()
    if problem is not None:
        raise FailedPrecondition(problem, reason="MODEL_KEY_MISSING")
    specs = with_fallback_model(settings.provider_specs(), settings.gemini_fallback_model)
    prices = PriceTable(settings.llm_prices)
    limiters = _limiters(settings, state)
    spending = SpendGuard(create_ledger(state), prices)
    rng = random.Random()
    slots: list[Slot] = []
    for spec in specs:
        guard = None
        if spec.kind != "offline":
            guard = GuardedProvider(
                build_provider(spec, settings),
                CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown, clock),
                limiters.get(spec.kind),
                _policy(spec, settings),
                prices,
                hook,
                rng,
                spending,
            )
        slots.append(Slot(spec, guard))
    _log_order(slots, settings)
    return Lineup(slots)


def _limiters(settings: LLMSettings, state: SharedState | None) -> dict[str, Throttle]:
    """One limit per API key: Gemini's limit covers its fallback model too. With shared
    state the limit holds across every replica (whole calls a minute, at least one)."""
    limits = {
        "openai": settings.openai_rate_limit,
        "gemini": settings.gemini_api_rate_limit,
        "anthropic": settings.anthropic_rate_limit,
    }
    if state is not None:
        from services.runtime.state.limits import GlobalRateLimit

        return {
            kind: SharedThrottle(GlobalRateLimit(state, f"model:{kind}", round(per_minute)))
            for kind, per_minute in limits.items()
            if per_minute > 0
        }
    return {
        kind: LocalThrottle(TokenBucket(per_minute, settings.llm_rate_burst))
        for kind, per_minute in limits.items()
        if per_minute > 0
    }


def _policy(spec: ProviderSpec, settings: LLMSettings) -> RetryPolicy:
    attempts = settings.llm_retry_attempts
    if spec.kind == "gemini" and settings.gemini_retry_attempts is not None:
        attempts = settings.gemini_retry_attempts
    return RetryPolicy(
        attempts=attempts,
        backoff_base=settings.llm_backoff_base,
        backoff_cap=settings.llm_backoff_cap,
        max_wait=settings.llm_max_wait,
        call_timeout=settings.llm_call_timeout,
    )


def _log_order(slots: list[Slot], settings: LLMSettings) -> None:
    names = [slot.spec.name for slot in slots]
    if settings.models is not None:
        source = "from TRIPMESH_MODELS"
    else:
        keys = [v for k, v in KEY_VARIABLES.items() if settings.has_key(k)]
        source = f"following the keys set ({', '.join(keys) or 'none'}; TRIPMESH_MODELS unset)"
    logger.info("model provider chain: %s, %s", " -> ".join(names), source)
    if "offline" in names and names[-1] != "offline":
        logger.warning("providers after 'offline' in TRIPMESH_MODELS are never reached")
