"""Histogram quantiles, rolling windows and the statistics per subject."""

import random

import pytest

from services.performance_monitor.histogram import LogHistogram
from services.performance_monitor.store import StatsStore, Subject
from services.runtime.reporting import Execution, Kind

RPC = Kind.EXECUTION_KIND_RPC


def rpc(duration: float, code: str = "OK", method: str = "/tripmesh.v1.X/Y") -> Execution:
    return Execution(
        kind=RPC, service="tripmesh-x", method=method, start=0, duration=duration, code=code
    )


def test_quantiles_within_a_few_percent() -> None:
    rng = random.Random(3)
    values = sorted(rng.lognormvariate(-3, 1) for _ in range(5000))
    histogram = LogHistogram()
    for value in values:
        histogram.add(value)
    for q in (0.5, 0.95, 0.99):
        exact = values[int(q * len(values)) - 1]
        assert histogram.quantile(q) == pytest.approx(exact, rel=0.06)
    assert LogHistogram().quantile(0.5) == 0.0


def test_windows_count_recent_executions_only() -> None:
    store = StatsStore()
    store.add(1000.0, [rpc(0.1)] * 3)
    store.add(1200.0, [rpc(0.2, "INTERNAL")])
    store.add(1290.0, [rpc(0.3, "INVALID_ARGUMENT")])
    everything = lambda subject: True  # noqa: E731
    stats = {w: a for w, _, a in store.windows(1300.0, [1, 2, 3], everything)}
    assert stats[1].count == 1  # the last minute
    assert stats[2].count == 5
    assert stats[3].count == 5
    assert (stats[2].errors, stats[2].faults) == (2, 1)  # INVALID_ARGUMENT is no fault
    assert stats[2].error_rate == pytest.approx(0.4)
    assert stats[2].mean == pytest.approx((0.3 + 0.2 + 0.3) / 5)
    assert list(store.windows(6000.0, [3], everything)) == []


def test_subjects_are_method_tool_or_model() -> None:
    store = StatsStore()
    store.add(
        0.0,
        [
            rpc(0.1),
            Execution(
                kind=Kind.EXECUTION_KIND_TOOL,
                service="s",
                tool="tools/a.b",
                start=0,
                duration=1,
                code="OK",
            ),
            Execution(
                kind=Kind.EXECUTION_KIND_MODEL,
                service="s",
                model="openai:gpt",
                start=0,
                duration=1,
                code="OK",
                input_tokens=10,
                output_tokens=5,
                cost_usd=0.01,
            ),
        ],
        dropped=7,
    )
    subjects = [s for _, s, _ in store.windows(0.0, [1], lambda s: True)]
    assert [s.name for s in subjects] == ["/tripmesh.v1.X/Y", "tools/a.b", "openai:gpt"]
    model = store.total(0.0, 60, lambda s: s.kind == Kind.EXECUTION_KIND_MODEL)
    assert (model.input_tokens, model.output_tokens, model.cost_usd) == (10, 5, 0.01)
    assert store.dropped_count == 7
    store.prune(10_000.0)
    assert list(store.windows(10_000.0, [3], lambda s: True)) == []
    assert Subject.of(rpc(1)).kind == RPC
