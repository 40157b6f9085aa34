"""Alert rules: each looks at the statistics (or the health of the services) and says,
per subject, whether its condition holds now."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from services.performance_monitor.series import Aggregate
from services.performance_monitor.store import StatsView, Subject
from services.runtime.reporting import Kind

ORCHESTRATOR = "tripmesh-orchestrator"
TRIP_METHODS = frozenset(
    {
        "/tripmesh.v1.OrchestratorService/PlanTrip",
        "/tripmesh.v1.OrchestratorService/StreamPlanTrip",
    }
)


@dataclass(frozen=True)
class Observation:
    """A rule's verdict on one subject."""

    rule: str
    subject: str  # "" for a rule about the whole mesh
    firing: bool
    value: float
    threshold: float
    summary: str
    labels: dict[str, str] = field(default_factory=dict)


class Rule(Protocol):
    name: str

    def evaluate(self, now: float) -> list[Observation]: ...


def _is_trip(subject: Subject) -> bool:
    return (
        subject.kind == Kind.EXECUTION_KIND_RPC
        and subject.service == ORCHESTRATOR
        and subject.name in TRIP_METHODS
    )


def _is_model(subject: Subject) -> bool:
    return subject.kind == Kind.EXECUTION_KIND_MODEL


@dataclass
class RateRule:
    """Fires when the share of failed executions in the window is above the threshold."""

    name: str
    store: StatsView
    match: Callable[[Subject], bool]
    rate: Callable[[Aggregate], float]
    threshold: float
    window: float
    min_count: int
    what: str  # "trips", "model calls"

    def evaluate(self, now: float) -> list[Observation]:
        total = self.store.total(now, self.window, self.match)
        value = self.rate(total)
        firing = total.count >= self.min_count and value > self.threshold
        summary = (
            f"{value:.0%} of {total.count} {self.what} failed in the last "
            f"{self.window / 60:.0f} min (threshold {self.threshold:.0%})"
        )
        labels = {"window": f"{self.window:.0f}s", "count": str(total.count)}
        return [Observation(self.name, "", firing, value, self.threshold, summary, labels)]


@dataclass
class MeanDurationRule:
    """Fires when the mean duration of matching executions is above the threshold (seconds)."""

    name: str
    store: StatsView
    match: Callable[[Subject], bool]
    threshold: float
    window: float
    what: str

    def evaluate(self, now: float) -> list[Observation]:
        total = self.store.total(now, self.window, self.match)
        firing = total.count > 0 and total.mean > self.threshold
        summary = (
            f"{self.what} took {total.mean:.1f} s on average over the last "
            f"{self.window / 60:.0f} min (threshold {self.threshold:.0f} s)"
        )
        labels = {"window": f"{self.window:.0f}s", "count": str(total.count)}
        return [Observation(self.name, "", firing, total.mean, self.threshold, summary, labels)]


class HealthView(Protocol):
    def not_serving(self, now: float) -> dict[str, float]:
        """Seconds each watched service has not been SERVING (0 for those that are)."""


@dataclass
class ServiceDownRule:
    """Fires per service that has not been SERVING for longer than the threshold (seconds)."""

    health: HealthView
    threshold: float
    name: str = "service_not_serving"

    def evaluate(self, now: float) -> list[Observation]:
        return [
            Observation(
                self.name,
                service,
                down > self.threshold,
                down,
                self.threshold,
                f"{service} has not been SERVING for {down:.0f} s",
                {"service": service},
            )
            for service, down in sorted(self.health.not_serving(now).items())
        ]


@dataclass(frozen=True)
class Thresholds:
    """The configurable part of the default rules (0 turns a rule off)."""

    trip_failure_rate: float = 0.05
    trip_duration: float = 600.0
    model_failure_rate: float = 0.20
    service_down: float = 120.0
    window: float = 300.0
    min_count: int = 5


def default_rules(store: StatsView, health: HealthView, limits: Thresholds) -> list[Rule]:
    """The alert rules of the operations notes."""
    rules: list[Rule] = []
    if limits.trip_failure_rate > 0:
        rules.append(
            RateRule(
                "trip_failure_rate",
                store,
                _is_trip,
                lambda a: a.fault_rate,
                limits.trip_failure_rate,
                limits.window,
                limits.min_count,
                "trips",
            )
        )
    if limits.trip_duration > 0:
        rules.append(
            MeanDurationRule(
                "trip_duration", store, _is_trip, limits.trip_duration, limits.window, "Trips"
            )
        )
    if limits.model_failure_rate > 0:
        rules.append(
            RateRule(
                "model_failure_rate",
                store,
                _is_model,
                lambda a: a.error_rate,
                limits.model_failure_rate,
                limits.window,
                limits.min_count,
                "model calls",
            )
        )
    if limits.service_down > 0:
        rules.append(ServiceDownRule(health, limits.service_down))
    return rules
