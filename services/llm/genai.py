"""OpenTelemetry's GenAI semantic conventions for model calls, beside the Prometheus series:
a client span per call, and the `gen_ai.client.token.usage` and
`gen_ai.client.operation.duration` histograms.

The instruments come from the global meter provider (a no-op until the process installs
one, see services.runtime.otel_metrics); names, units, attributes and bucket boundaries
are those of the conventions, so that GenAI dashboards read them as they are.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import metrics, trace
from opentelemetry.trace import Span, SpanKind

from services.llm.records import ModelCallRecord

OPERATION = "chat"
# gen_ai.provider.name's well-known values.
PROVIDER_NAMES = {"openai": "openai", "gemini": "gcp.gemini", "anthropic": "anthropic"}

_tracer = trace.get_tracer("tripmesh.llm")
_meter = metrics.get_meter("tripmesh.llm")
TOKEN_USAGE = _meter.create_histogram(
    "gen_ai.client.token.usage",
    unit="{token}",
    description="Number of input and output tokens used.",
    explicit_bucket_boundaries_advisory=[4.0**n for n in range(14)],  # 1 .. 67108864
)
OPERATION_DURATION = _meter.create_histogram(
    "gen_ai.client.operation.duration",
    unit="s",
    description="GenAI operation duration.",
    explicit_bucket_boundaries_advisory=[0.01 * 2**n for n in range(14)],  # 0.01 .. 81.92
)


def _attributes(kind: str, model: str) -> dict[str, str]:
    return {
        "gen_ai.operation.name": OPERATION,
        "gen_ai.provider.name": PROVIDER_NAMES.get(kind, kind),
        "gen_ai.request.model": model,
    }


@contextmanager
def model_call_span(kind: str, model: str) -> Iterator[Span]:
    """The client span of one model call, named "chat {model}" as the conventions say."""
    with _tracer.start_as_current_span(
        f"{OPERATION} {model}", kind=SpanKind.CLIENT, attributes=_attributes(kind, model)
    ) as span:
        yield span


def record_genai(record: ModelCallRecord, span: Span) -> None:
    """The call's tokens and duration, on its span and in the two histograms."""
    attributes = _attributes(record.provider, record.model)
    span.set_attribute("gen_ai.usage.input_tokens", record.input_tokens)
    span.set_attribute("gen_ai.usage.output_tokens", record.output_tokens)
    failed = {} if record.outcome == "success" else {"error.type": record.outcome}
    if failed:
        span.set_attribute("error.type", record.outcome)
    OPERATION_DURATION.record(record.duration, {**attributes, **failed})
    for token_type, count in (("input", record.input_tokens), ("output", record.output_tokens)):
        if count:
            TOKEN_USAGE.record(count, {**attributes, "gen_ai.token.type": token_type})
