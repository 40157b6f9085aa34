"""The performance monitor: takes execution records, keeps the rolling statistics,
evaluates the alert rules on a timer."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from services.performance_monitor.alerts import Alert, AlertBook
from services.performance_monitor.health import HealthWatcher
from services.performance_monitor.rules import Rule
from services.performance_monitor.series import Aggregate
from services.performance_monitor.shared_alerts import SharedAlerts
from services.performance_monitor.shared_stats import SharedStats
from services.performance_monitor.shared_traces import SharedTraceLog
from services.performance_monitor.store import WINDOWS, StatsStore, StatsView, Subject
from services.performance_monitor.traces import TraceLog
from services.runtime.reporting import Execution

logger = logging.getLogger(__name__)

FOLLOW_INTERVAL = 0.5  # seconds between reads of the shared alert changes


@dataclass(frozen=True)
class Replicas:
    """What the monitor shares with its replicas when TRIPMESH_STATE_URL is set."""

    stats: SharedStats
    alerts: SharedAlerts
    traces: SharedTraceLog


@dataclass(frozen=True)
class StatsQuery:
    window: int = 0  # StatsWindow value; 0: every window
    service: str = ""
    kind: int = 0  # ExecutionKind value; 0: every kind


class PerformanceMonitor:
    """Alone, it keeps everything in `store`; with `replicas`, in the shared state, where
    `store` is the shared stats and only the holder of the alert lease evaluates."""

    def __init__(
        self,
        store: StatsView,
        rules: list[Rule],
        alerts: AlertBook,
        health: HealthWatcher | None,
        clock: Callable[[], float] = time.time,
        replicas: Replicas | None = None,
        traces: TraceLog | None = None,
    ) -> None:
        self.store = store
        self._traces = traces or TraceLog()  # alone; with replicas, replicas.traces
        self.rules = rules
        self.alerts = alerts
        self.health = health
        self.replicas = replicas
        self._clock = clock
        self.rule_windows: list[int] = list(WINDOWS)  # the windows the rules read
        self.rejected_count = 0  # records RecordExecutions refused, never in the windows

    def record(self, executions: list[Execution], dropped: int = 0) -> int:
        assert isinstance(self.store, StatsStore), "replicas record with accept()"
        self.store.add(self._clock(), executions, dropped)
        self._traces.add(executions)
        return len(executions)

    async def accept(self, executions: list[Execution], dropped: int = 0, rejected: int = 0) -> int:
        """Records a batch here or in the shared state; never fails for an outage.

        `rejected`: records refused at this replica's door, counted here (per replica).
        """
        self.rejected_count += rejected
        if self.replicas is None:
            return self.record(executions, dropped)
        await self.replicas.stats.record(self._clock(), executions, dropped)
        await self.replicas.traces.add(executions)
        return len(executions)

    async def executions(self, trace_id: str) -> list[Execution]:
        """A trace's executions in start order, from every replica's records."""
        if self.replicas is not None:
            return await self.replicas.traces.executions(trace_id)
        return self._traces.executions(trace_id)

    async def refresh(self, window_ids: Iterable[int] = WINDOWS) -> None:
        """Brings the statistics (of the windows asked for) and the alerts up to the shared
        state's; a no-op alone."""
        if self.replicas is not None:
            now = self._clock()
            await self.replicas.stats.refresh(now, window_ids)
            await self.replicas.alerts.load(now)

    def stats(self, query: StatsQuery) -> list[tuple[int, Subject, Aggregate]]:
        windows = [query.window] if query.window else sorted(WINDOWS)

        def match(subject: Subject) -> bool:
            return (not query.service or subject.service == query.service) and (
                not query.kind or subject.kind == query.kind
            )

        return list(self.store.windows(self._clock(), windows, match))

    def evaluate(self) -> list[Alert]:
        """Applies the rules now; returns the alerts that changed."""
        now = self._clock()
        self.store.prune(now)
        observations = [o for rule in self.rules for o in rule.evaluate(now)]
        return self.alerts.apply([rule.name for rule in self.rules], observations, now)

    async def run(self, eval_interval: float, health_interval: float) -> None:
        """Health checks and rule evaluations, each on its own timer, until cancelled."""
        loops = [_every(eval_interval, self._evaluate_async)]
        if self.health is not None:
            loops.append(_every(health_interval, self.health.check_all))
        if self.replicas is not None:
            loops.append(self.replicas.alerts.follow(FOLLOW_INTERVAL))
        await asyncio.gather(*loops)

    async def _evaluate_async(self) -> None:
        if self.replicas is None:
            self.evaluate()
            return
        await self.replicas.stats.flush()
        # Only the lease holder reads for the rules; the others read when asked (GetStats).
        if await self.replicas.alerts.lease.hold():
            await self.refresh(self.rule_windows)
            await self.replicas.alerts.commit(self.evaluate())


async def _every(interval: float, action: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            await action()
        except Exception:
            logger.exception("monitor background work failed")
        await asyncio.sleep(interval)
