"""Alert states: firing and resolved, their history, watchers and Prometheus gauges."""

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

from prometheus_client import Gauge

from services.performance_monitor.rules import Observation

logger = logging.getLogger(__name__)

FIRING = Gauge(
    "tripmesh_alert_firing",
    "1 while an alert fires, else 0.",
    ["alert", "rule"],
)

RESOLVED_RETENTION = 3600.0  # seconds resolved alerts stay listed
WATCH_QUEUE = 1000  # changes a slow watcher may lag behind before the oldest are dropped


@dataclass(frozen=True)
class Alert:
    name: str  # "alerts/model_failure_rate", "alerts/service_not_serving/tripmesh-budget"
    rule: str
    firing: bool
    summary: str
    value: float
    threshold: float
    start_time: float  # wall clock
    end_time: float = 0.0
    labels: dict[str, str] = field(default_factory=dict)


def alert_name(rule: str, subject: str) -> str:
    return f"alerts/{rule}/{subject}" if subject else f"alerts/{rule}"


class AlertBook:
    """The alerts and their watchers.

    With replicas, the changes `apply` returns are published through the shared state
    and come back to every replica's `publish`, so `publish_changes` is off there.
    """

    def __init__(self, *, publish_changes: bool = True) -> None:
        self._active: dict[str, Alert] = {}
        self._resolved: deque[Alert] = deque()
        self._watchers: set[asyncio.Queue[Alert]] = set()
        self._publish_changes = publish_changes

    def restore(self, active: list[Alert], resolved: list[Alert]) -> None:
        """Takes the alerts as the shared state has them (another replica may have applied)."""
        for name, alert in self._active.items():
            if all(a.name != name for a in active):
                FIRING.labels(name, alert.rule).set(0)
        self._active = {alert.name: alert for alert in active}
        for alert in active:
            FIRING.labels(alert.name, alert.rule).set(1)
        self._resolved = deque(sorted(resolved, key=lambda a: a.end_time))

    def apply(self, rules: list[str], observations: list[Observation], now: float) -> list[Alert]:
        """Updates the alerts of `rules` from their observations; returns the changes.

        An active alert of those rules that no observation mentions any more resolves.
        """
        changes: list[Alert] = []
        seen: set[str] = set()
        for observation in observations:
            name = alert_name(observation.rule, observation.subject)
            seen.add(name)
            current = self._active.get(name)
            if observation.firing and current is None:
                changes.append(self._fire(name, observation, now))
            elif observation.firing and current is not None:
                self._active[name] = replace(
                    current, value=observation.value, summary=observation.summary
                )
            elif current is not None:
                changes.append(self._resolve(name, now, observation))
        for name, alert in list(self._active.items()):
            if alert.rule in rules and name not in seen:
                changes.append(self._resolve(name, now, None))
        self._forget(now)
        if self._publish_changes:
            for change in changes:
                self.publish(change)
        return changes

    def firing(self) -> list[Alert]:
        return sorted(self._active.values(), key=lambda a: (a.start_time, a.name))

    def resolved(self) -> list[Alert]:
        return sorted(self._resolved, key=lambda a: a.end_time, reverse=True)

    async def watch(self, include_current: bool) -> AsyncIterator[Alert]:
        """Alert changes as they happen (after the firing ones, when asked)."""
        queue: asyncio.Queue[Alert] = asyncio.Queue(WATCH_QUEUE)
        self._watchers.add(queue)
        try:
            if include_current:
                for alert in self.firing():
                    yield alert
            while True:
                yield await queue.get()
        finally:
            self._watchers.discard(queue)

    def _fire(self, name: str, observation: Observation, now: float) -> Alert:
        alert = Alert(
            name=name,
            rule=observation.rule,
            firing=True,
            summary=observation.summary,
            value=observation.value,
            threshold=observation.threshold,
            start_time=now,
            labels=dict(observation.labels),
        )
        self._active[name] = alert
        FIRING.labels(name, observation.rule).set(1)
        logger.warning("alert firing: %s: %s", name, observation.summary)
        return alert

    def _resolve(self, name: str, now: float, observation: Observation | None) -> Alert:
        alert = self._active.pop(name)
        resolved = replace(alert, firing=False, end_time=now)
        if observation is not None:
            resolved = replace(resolved, value=observation.value, summary=observation.summary)
        self._resolved.append(resolved)
        FIRING.labels(name, alert.rule).set(0)
        logger.info("alert resolved: %s", name)
        return resolved

    def _forget(self, now: float) -> None:
        while self._resolved and self._resolved[0].end_time < now - RESOLVED_RETENTION:
            self._resolved.popleft()

    def publish(self, alert: Alert) -> None:
        """Hands a change to every watcher of this process."""
        for queue in self._watchers:
            if queue.full():  # a watcher that does not read loses its oldest changes
                queue.get_nowait()
            queue.put_nowait(alert)
