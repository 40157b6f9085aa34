"""Recent executions by trace id, so that one request (a trip) can be drawn as a waterfall.

Bounded on both axes: the newest traces are kept (the oldest are forgotten first), and a
trace keeps at most its first records; a runaway trace cannot crowd the others out.
"""

import re
from collections import OrderedDict
from collections.abc import Iterable

from services.runtime.errors import InvalidArgument
from services.runtime.reporting import Execution

TRACE_ID = re.compile(r"[0-9a-f]{32}")


class TraceLog:
    """The traces of the records this process received (one monitor, no shared state)."""

    def __init__(self, max_traces: int = 2000, max_per_trace: int = 500) -> None:
        self._max_traces = max_traces
        self._max_per_trace = max_per_trace
        self._traces: OrderedDict[str, list[Execution]] = OrderedDict()

    def add(self, executions: Iterable[Execution]) -> None:
        for execution in executions:
            if not execution.trace_id:
                continue
            records = self._traces.get(execution.trace_id)
            if records is None:
                records = self._traces[execution.trace_id] = []
                if len(self._traces) > self._max_traces:
                    self._traces.popitem(last=False)
            if len(records) < self._max_per_trace:
                records.append(execution)

    def executions(self, trace_id: str) -> list[Execution]:
        """The trace's executions in start order; InvalidArgument for a malformed id."""
        check_trace_id(trace_id)
        return sorted(self._traces.get(trace_id, ()), key=lambda e: e.start)


def check_trace_id(trace_id: str) -> None:
    if not TRACE_ID.fullmatch(trace_id):
        raise InvalidArgument(
            "trace_id must be 32 lowercase hex digits, such as a Trip's trace_id",
            reason="INVALID_TRACE_ID",
            field="trace_id",
        )
