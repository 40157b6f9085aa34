"""Builds the chain's providers from settings: order, keys, guards, shared limiters."""

import logging
import random
from dataclasses import dataclass

from services.llm.breaker import CircuitBreaker
from services.llm.caller import GuardedProvider, RetryPolicy
from services.llm.pricing import PriceTable
from services.llm.providers import build_provider, has_key
from services.llm.ratelimit import SharedThrottle, Throttle, TokenBucket
from services.llm.records import CallHook
from services.llm.settings import LLMSettings
from services.llm.specs import ProviderSpec, parse_models, with_fallback_model
from services.runtime.state.connection import SharedState

logger = logging.getLogger(__name__)

_KEY_NAMES = {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY"}


@dataclass(frozen=True)
class Slot:
    """One place in the chain; `guard` is None for the offline engine."""

    spec: ProviderSpec
    guard: GuardedProvider | None


@dataclass(frozen=True)
class Lineup:
    slots: list[Slot]
    skipped: list[str]  # provider names without a key


def build_lineup(
    settings: LLMSettings, hook: CallHook | None, state: SharedState | None = None
) -> Lineup:
    specs = with_fallback_model(parse_models(settings.models), settings.gemini_fallback_model)
    prices = PriceTable(settings.llm_prices)
    limiters = _limiters(settings, state)
    rng = random.Random()
    slots: list[Slot] = []
    skipped: list[str] = []
    for spec in specs:
        if not has_key(spec, settings):
            logger.info(
                "model provider %s skipped: %s is not set", spec.name, _KEY_NAMES[spec.kind]
            )
            skipped.append(spec.name)
            continue
        guard = None
        if spec.kind != "offline":
            guard = GuardedProvider(
                build_provider(spec, settings),
                CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown),
                limiters.get(spec.kind),
                _policy(spec, settings),
                prices,
                hook,
                rng,
            )
        slots.append(Slot(spec, guard))
    _log_order(slots)
    return Lineup(slots, skipped)


def _limiters(settings: LLMSettings, state: SharedState | None) -> dict[str, Throttle]:
    """One limit per API key: Gemini's limit covers its fallback model too. With shared
    state the limit holds across every replica (whole calls a minute, at least one)."""
    limits = {"openai": settings.openai_rate_limit, "gemini": settings.gemini_api_rate_limit}
    if state is not None:
        from services.runtime.state.limits import GlobalRateLimit

        return {
            kind: SharedThrottle(GlobalRateLimit(state, f"model:{kind}", round(per_minute)))
            for kind, per_minute in limits.items()
            if per_minute > 0
        }
    return {
        kind: TokenBucket(per_minute, settings.llm_rate_burst)
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


def _log_order(slots: list[Slot]) -> None:
    names = [slot.spec.name for slot in slots]
    logger.info("model provider chain: %s", " -> ".join(names) or "(empty)")
    if "offline" in names and names[-1] != "offline":
        logger.warning("providers after 'offline' in TRIPMESH_MODELS are never reached")
    if not names:
        logger.warning("no model provider can answer: every one listed lacks its key")
