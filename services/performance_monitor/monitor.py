"""The performance monitor: takes execution records, keeps the rolling statistics,
evaluates the alert rules on a timer."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.performance_monitor.alerts import AlertBook
from services.performance_monitor.health import HealthWatcher
from services.performance_monitor.rules import Rule
from services.performance_monitor.series import Aggregate
from services.performance_monitor.store import WINDOWS, StatsStore, Subject
from services.runtime.reporting import Execution

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatsQuery:
    window: int = 0  # StatsWindow value; 0: every window
    service: str = ""
    kind: int = 0  # ExecutionKind value; 0: every kind


class PerformanceMonitor:
    def __init__(
        self,
        store: StatsStore,
        rules: list[Rule],
        alerts: AlertBook,
        health: HealthWatcher | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.rules = rules
        self.alerts = alerts
        self.health = health
        self._clock = clock

    def record(self, executions: list[Execution], dropped: int = 0, rejected: int = 0) -> int:
        self.store.add(self._clock(), executions, dropped)
        self.store.rejected_count += rejected
        return len(executions)

    def stats(self, query: StatsQuery) -> list[tuple[int, Subject, Aggregate]]:
        windows = [query.window] if query.window else sorted(WINDOWS)

        def match(subject: Subject) -> bool:
            return (not query.service or subject.service == query.service) and (
                not query.kind or subject.kind == query.kind
            )

        return list(self.store.windows(self._clock(), windows, match))

    def evaluate(self) -> None:
        now = self._clock()
        self.store.prune(now)
        observations = [o for rule in self.rules for o in rule.evaluate(now)]
        self.alerts.apply([rule.name for rule in self.rules], observations, now)

    async def run(self, eval_interval: float, health_interval: float) -> None:
        """Health checks and rule evaluations, each on its own timer, until cancelled."""
        loops = [_every(eval_interval, self._evaluate_async)]
        if self.health is not None:
            loops.append(_every(health_interval, self.health.check_all))
        await asyncio.gather(*loops)

    async def _evaluate_async(self) -> None:
        self.evaluate()


async def _every(interval: float, action: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            await action()
        except Exception:
            logger.exception("monitor background work failed")
        await asyncio.sleep(interval)
