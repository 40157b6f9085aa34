"""What blocked answers cost, and the OpenTelemetry GenAI metrics and spans of each call."""

from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY

from services.llm import ModelChain
from services.llm.pricing import DEFAULT_PRICES
from services.runtime.errors import InvalidArgument
from tests.fakes import FakeAnthropic, FakeGemini, FakeOpenAI
from tests.fakes.scripted import Reply, ScriptedServer
from tests.unit.llm.conftest import CLAUDE, GEMINI, GOOD, OPENAI, Calls, plan_task


@pytest.fixture(scope="module")
def otel() -> tuple[InMemoryMetricReader, InMemorySpanExporter]:
    """The process's meter provider (set once) and a span exporter on its tracer provider."""
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return reader, spans


@pytest.mark.parametrize("kind", ["openai", "gemini", "anthropic"])
async def test_a_blocked_answer_is_counted_and_costed(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    gemini_fake: FakeGemini,
    anthropic_fake: FakeAnthropic,
    calls: Calls,
    kind: str,
) -> None:
    cases: dict[str, tuple[ScriptedServer, Reply, str]] = {
        "openai": (
            openai_fake,
            FakeOpenAI.answer(None, finish_reason="content_filter", completion_tokens=7),
            OPENAI,
        ),
        "gemini": (gemini_fake, FakeGemini.blocked_prompt(), GEMINI),
        "anthropic": (anthropic_fake, FakeAnthropic.refusal(output_tokens=7), CLAUDE),
    }
    fake, blocked, model = cases[kind]
    fake.push(blocked)
    tokens_before = _tokens(kind, model, "input")

    with pytest.raises(InvalidArgument):
        await make_chain(f"{kind}:{model},offline").run(plan_task())

    (record,) = calls
    assert record.outcome == "blocked"
    assert record.input_tokens > 0
    price = DEFAULT_PRICES[model]
    expected = (record.input_tokens * price.input + record.output_tokens * price.output) / 1e6
    assert record.cost_usd == pytest.approx(expected)
    assert record.cost_usd > 0
    assert _tokens(kind, model, "input") == tokens_before + record.input_tokens


async def test_each_call_has_genai_metrics_and_a_client_span(
    make_chain: Callable[..., ModelChain],
    anthropic_fake: FakeAnthropic,
    otel: tuple[InMemoryMetricReader, InMemorySpanExporter],
) -> None:
    reader, spans = otel
    spans.clear()
    anthropic_fake.push(FakeAnthropic.answer(GOOD, input_tokens=321, output_tokens=45))
    await make_chain(f"anthropic:{CLAUDE},offline").run(plan_task())

    points = _points(reader)
    base = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": CLAUDE,
    }
    usage = points["gen_ai.client.token.usage"]
    assert any(
        p.attributes == {**base, "gen_ai.token.type": "input"} and p.sum >= 321 for p in usage
    )
    assert any(p.attributes == {**base, "gen_ai.token.type": "output"} for p in usage)
    assert any(p.attributes == base for p in points["gen_ai.client.operation.duration"])
    (span,) = [s for s in spans.get_finished_spans() if s.name == f"chat {CLAUDE}"]
    assert span.kind == trace.SpanKind.CLIENT
    assert span.attributes is not None
    assert {k: span.attributes[k] for k in base} == base
    assert span.attributes["gen_ai.usage.input_tokens"] == 321
    assert span.attributes["gen_ai.usage.output_tokens"] == 45


def _points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    data = reader.get_metrics_data()
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


def _tokens(provider: str, model: str, direction: str) -> float:
    labels = {"provider": provider, "model": model, "direction": direction}
    return REGISTRY.get_sample_value("tripmesh_llm_tokens_total", labels) or 0.0
