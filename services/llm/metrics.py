"""Prometheus metrics of the provider chain, defined once per process.

Several chains may live in one process (tests); they share these series. The one
unlabelled gauge is registered only when a process makes a chain, so that services
that never call a model export no model metric (the labelled ones appear with use).
"""

from prometheus_client import REGISTRY, Counter, Gauge, Histogram

REQUESTS = Counter(
    "tripmesh_llm_requests_total",
    "Model calls by outcome (success or the failure kind).",
    ["provider", "model", "outcome"],
)
TOKENS = Counter(
    "tripmesh_llm_tokens_total",
    "Tokens billed by model providers.",
    ["provider", "model", "direction"],
)
COST = Counter(
    "tripmesh_llm_cost_usd_total",
    "Cost of model calls in USD, from the configured price table.",
    ["provider", "model"],
)
FALLBACKS = Counter(
    "tripmesh_llm_fallbacks_total",
    "Times the chain moved on from one provider to the next.",
    ["from", "to", "reason"],
)
CACHE = Counter(
    "tripmesh_llm_cache_total",
    "Response cache lookups of chain runs.",
    ["result"],
)
DURATION = Histogram(
    "tripmesh_llm_call_duration_seconds",
    "Duration of one model call.",
    ["provider", "model"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
)
BREAKER_STATE = Gauge(
    "tripmesh_llm_breaker_state",
    "Circuit breaker per provider: 0 closed, 1 open, 2 half-open.",
    ["provider"],
)
OFFLINE_ONLY = Gauge(
    "tripmesh_llm_offline_only",
    "1 while every remote model provider's breaker is open and only offline answers.",
    registry=None,
)
_registered = False


def register_chain_metrics() -> None:
    """Exports the chain's unlabelled gauge, once per process."""
    global _registered
    if not _registered:
        REGISTRY.register(OFFLINE_ONLY)
        _registered = True


BREAKER_VALUES = {"closed": 0, "open": 1, "half_open": 2}
