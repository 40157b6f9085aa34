"""Execution statistics per (kind, service, subject) over the rolling windows."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from services.performance_monitor.series import Aggregate, SlicedSeries
from services.runtime.reporting import Execution, Kind

WINDOWS = {  # StatsWindow value -> seconds
    1: 60.0,
    2: 300.0,
    3: 3600.0,
}


@dataclass(frozen=True, order=True)
class Subject:
    kind: int
    service: str
    name: str  # method, tool or model

    @classmethod
    def of(cls, execution: Execution) -> "Subject":
        if execution.kind == Kind.EXECUTION_KIND_TOOL:
            return cls(execution.kind, execution.service, execution.tool)
        if execution.kind == Kind.EXECUTION_KIND_MODEL:
            return cls(execution.kind, execution.service, execution.model)
        return cls(execution.kind, execution.service, execution.method)


class StatsView(Protocol):
    """What the rules and GetStats read: this process's store, or the shared one."""

    dropped_count: int

    def windows(
        self, now: float, window_ids: list[int], match: Callable[[Subject], bool]
    ) -> Iterator[tuple[int, Subject, Aggregate]]: ...

    def total(self, now: float, seconds: float, match: Callable[[Subject], bool]) -> Aggregate: ...

    def prune(self, now: float) -> None: ...


class StatsStore:
    def __init__(self) -> None:
        self._series: dict[Subject, SlicedSeries] = {}
        self.dropped_count = 0  # as the senders reported
        self.accepted_count = 0

    def add(self, now: float, executions: list[Execution], dropped: int = 0) -> None:
        for execution in executions:
            subject = Subject.of(execution)
            series = self._series.get(subject)
            if series is None:
                series = self._series[subject] = SlicedSeries()
            series.add(now, execution)
        self.accepted_count += len(executions)
        self.dropped_count += max(0, dropped)

    def windows(
        self, now: float, window_ids: list[int], match: Callable[[Subject], bool]
    ) -> Iterator[tuple[int, Subject, Aggregate]]:
        """(window, subject, aggregate) for matching subjects with executions in the window."""
        for subject in sorted(self._series):
            if not match(subject):
                continue
            for window_id in window_ids:
                aggregate = self._series[subject].window(now, WINDOWS[window_id])
                if aggregate.count:
                    yield window_id, subject, aggregate

    def total(self, now: float, seconds: float, match: Callable[[Subject], bool]) -> Aggregate:
        """The merged aggregate of every matching subject over the last `seconds`."""
        total = Aggregate()
        for subject, series in self._series.items():
            if match(subject):
                total.merge(series.window(now, seconds))
        return total

    def prune(self, now: float) -> None:
        for subject in [s for s, series in self._series.items() if not series.prune(now)]:
            del self._series[subject]
