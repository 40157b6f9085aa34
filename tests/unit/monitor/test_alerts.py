"""Alert rules with the operations notes' defaults: fire, watch, resolve, gauges."""

import asyncio
from dataclasses import dataclass, field

from prometheus_client import REGISTRY

from services.performance_monitor.alerts import AlertBook
from services.performance_monitor.monitor import PerformanceMonitor, StatsQuery
from services.performance_monitor.rules import Thresholds, default_rules
from services.performance_monitor.store import StatsStore
from services.runtime.reporting import Execution, Kind


@dataclass
class Health:
    down: dict[str, float] = field(default_factory=dict)

    def not_serving(self, now: float) -> dict[str, float]:
        return dict(self.down)


@dataclass
class Clock:
    now: float = 10_000.0

    def __call__(self) -> float:
        return self.now


def monitor(health: Health | None = None) -> tuple[PerformanceMonitor, Clock]:
    clock, store = Clock(), StatsStore()
    rules = default_rules(store, health or Health(), Thresholds())
    return PerformanceMonitor(store, rules, AlertBook(), None, clock), clock


def model_call(code: str) -> Execution:
    return Execution(
        kind=Kind.EXECUTION_KIND_MODEL,
        service="tripmesh-planner",
        model="openai:gpt",
        start=0,
        duration=0.5,
        code=code,
    )


def trip(code: str, duration: float = 2.0) -> Execution:
    return Execution(
        kind=Kind.EXECUTION_KIND_RPC,
        service="tripmesh-orchestrator",
        method="/tripmesh.v1.OrchestratorService/PlanTrip",
        start=0,
        duration=duration,
        code=code,
    )


def firing(m: PerformanceMonitor) -> list[str]:
    return [a.name for a in m.alerts.firing()]


def gauge(name: str) -> float | None:
    return REGISTRY.get_sample_value(
        "tripmesh_alert_firing", {"alert": name, "rule": name.split("/")[1]}
    )


async def test_model_failures_fire_and_resolve_on_the_watch_stream() -> None:
    m, _ = monitor()
    seen: list[tuple[str, bool]] = []

    async def watch() -> None:
        async for alert in m.alerts.watch(include_current=False):
            seen.append((alert.name, alert.firing))
            if not alert.firing:
                return

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0)
    m.record([model_call("OK")] * 8 + [model_call("UNAVAILABLE")] * 3)  # 27 %
    m.evaluate()
    assert firing(m) == ["alerts/model_failure_rate"]
    assert gauge("alerts/model_failure_rate") == 1
    m.record([model_call("OK")] * 10)  # 3 of 21: 14 %
    m.evaluate()
    await asyncio.wait_for(watcher, 1)
    assert seen == [("alerts/model_failure_rate", True), ("alerts/model_failure_rate", False)]
    assert firing(m) == []
    assert gauge("alerts/model_failure_rate") == 0
    resolved = m.alerts.resolved()
    assert resolved[0].end_time > 0
    assert "14%" in resolved[0].summary


def test_rates_need_a_minimum_count_and_trips_count_faults_only() -> None:
    m, _ = monitor()
    m.record([model_call("INTERNAL")] * 4)
    m.record(
        [trip("INVALID_ARGUMENT")] * 10 + [trip("OK")] * 10
    )  # rejected requests are no failures
    m.evaluate()
    assert firing(m) == []
    m.record([trip("INTERNAL")] * 2)  # 2 of 22: 9 % > 5 %
    m.evaluate()
    assert firing(m) == ["alerts/trip_failure_rate"]


def test_slow_trips_fire_the_duration_rule() -> None:
    m, clock = monitor()
    m.record([trip("OK", 700.0), trip("OK", 600.0)])
    m.evaluate()
    assert firing(m) == ["alerts/trip_duration"]
    clock.now += 400  # out of the five-minute window: nothing to average
    m.evaluate()
    assert firing(m) == []


def test_services_not_serving_for_two_minutes_fire_per_service() -> None:
    health = Health({"tripmesh-budget": 60.0, "tripmesh-guide": 0.0})
    m, _ = monitor(health)
    m.evaluate()
    assert firing(m) == []
    health.down["tripmesh-budget"] = 121.0
    m.evaluate()
    assert firing(m) == ["alerts/service_not_serving/tripmesh-budget"]
    alert = m.alerts.firing()[0]
    assert alert.labels["service"] == "tripmesh-budget"
    health.down["tripmesh-budget"] = 0.0
    m.evaluate()
    assert firing(m) == []


async def test_watch_sends_current_alerts_first_when_asked() -> None:
    m, _ = monitor()
    m.record([model_call("INTERNAL")] * 5)
    m.evaluate()
    stream = m.alerts.watch(include_current=True)
    first = await asyncio.wait_for(anext(stream), 1)
    assert first.name == "alerts/model_failure_rate"
    await stream.aclose()


def test_stats_query_filters() -> None:
    m, _ = monitor()
    m.record([model_call("OK"), trip("OK")])
    assert len(m.stats(StatsQuery())) == 6  # two subjects, three windows
    assert len(m.stats(StatsQuery(window=1, service="tripmesh-planner"))) == 1
    assert len(m.stats(StatsQuery(kind=Kind.EXECUTION_KIND_RPC, window=2))) == 1
