"""One place that accounts for a model call: Prometheus series and the on_call hook."""

import logging

from services.llm import metrics
from services.llm.records import CallHook, ModelCallRecord

logger = logging.getLogger(__name__)


def record_call(record: ModelCallRecord, hook: CallHook | None) -> None:
    """Counts the call; a failing hook is logged and never fails the call."""
    labels = (record.provider, record.model)
    metrics.REQUESTS.labels(*labels, record.outcome).inc()
    metrics.DURATION.labels(*labels).observe(record.duration)
    if record.input_tokens:
        metrics.TOKENS.labels(*labels, "input").inc(record.input_tokens)
    if record.output_tokens:
        metrics.TOKENS.labels(*labels, "output").inc(record.output_tokens)
    if record.cost_usd:
        metrics.COST.labels(*labels).inc(record.cost_usd)
    if hook is None:
        return
    try:
        hook(record)
    except Exception:
        logger.exception("the on_call hook failed for a %s call", record.provider)


def record_fallback(source: str, target: str, reason: str) -> None:
    metrics.FALLBACKS.labels(source, target, reason).inc()
