"""Rolling windows over time slices: each subject keeps one aggregate per 5-second slice
for an hour, and a window is the merge of its recent slices."""

from collections import deque
from dataclasses import dataclass, field

from services.performance_monitor.histogram import LogHistogram
from services.runtime.reporting import Execution

SLICE_SECONDS = 5.0
HORIZON_SECONDS = 3600.0

# Codes that mean the service failed the caller; a rejected request (INVALID_ARGUMENT,
# NOT_FOUND, ...) or a caller that went away (CANCELLED) did not.
SERVER_FAULTS = frozenset(
    {"UNKNOWN", "DEADLINE_EXCEEDED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNIMPLEMENTED"}
)


@dataclass
class Aggregate:
    count: int = 0
    errors: int = 0  # code not OK
    faults: int = 0  # code in SERVER_FAULTS
    duration_sum: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency: LogHistogram = field(default_factory=LogHistogram)

    def add(self, execution: Execution) -> None:
        self.count += 1
        self.errors += execution.code != "OK"
        self.faults += execution.code in SERVER_FAULTS
        self.duration_sum += execution.duration
        self.input_tokens += execution.input_tokens
        self.output_tokens += execution.output_tokens
        self.cost_usd += execution.cost_usd
        self.latency.add(execution.duration)

    def merge(self, other: "Aggregate") -> None:
        self.count += other.count
        self.errors += other.errors
        self.faults += other.faults
        self.duration_sum += other.duration_sum
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cost_usd += other.cost_usd
        self.latency.merge(other.latency)

    @property
    def error_rate(self) -> float:
        return self.errors / self.count if self.count else 0.0

    @property
    def fault_rate(self) -> float:
        return self.faults / self.count if self.count else 0.0

    @property
    def mean(self) -> float:
        return self.duration_sum / self.count if self.count else 0.0


class SlicedSeries:
    """The executions of one subject, by arrival time."""

    def __init__(self) -> None:
        self._slices: deque[tuple[float, Aggregate]] = deque()

    def add(self, now: float, execution: Execution) -> None:
        start = now - now % SLICE_SECONDS
        if not self._slices or self._slices[-1][0] < start:
            self._slices.append((start, Aggregate()))
        self._slices[-1][1].add(execution)

    def window(self, now: float, seconds: float) -> Aggregate:
        """Everything that arrived in the last `seconds` (to the slice)."""
        total = Aggregate()
        for start, aggregate in reversed(self._slices):
            if start + SLICE_SECONDS <= now - seconds:
                break
            total.merge(aggregate)
        return total

    def prune(self, now: float) -> bool:
        """Drops slices older than the longest window; returns whether any remain."""
        while self._slices and self._slices[0][0] + SLICE_SECONDS <= now - HORIZON_SECONDS:
            self._slices.popleft()
        return bool(self._slices)
