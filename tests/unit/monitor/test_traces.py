"""The monitor keeps recent traces' executions for waterfalls, bounded in traces and records."""

import pytest

from services.performance_monitor.traces import TraceLog
from services.runtime.errors import InvalidArgument
from services.runtime.reporting import Execution

TRACE_A = "a" * 32
TRACE_B = "b" * 32


def execution(trace_id: str, start: float, method: str = "/x.S/M") -> Execution:
    return Execution(
        kind=1,
        service="tripmesh-planner",
        start=start,
        duration=0.1,
        code="OK",
        method=method,
        trace_id=trace_id,
    )


def test_a_traces_executions_come_back_in_start_order() -> None:
    log = TraceLog()
    log.add(
        [
            execution(TRACE_A, 2.0, "/x.S/Late"),
            execution(TRACE_B, 1.0),
            execution(TRACE_A, 1.0, "/x.S/Early"),
            execution("", 0.5),
        ]
    )
    assert [e.method for e in log.executions(TRACE_A)] == ["/x.S/Early", "/x.S/Late"]
    assert log.executions("c" * 32) == []


def test_the_oldest_trace_is_forgotten_and_a_trace_is_capped() -> None:
    log = TraceLog(max_traces=1, max_per_trace=2)
    log.add([execution(TRACE_A, float(i)) for i in range(5)])
    assert len(log.executions(TRACE_A)) == 2
    log.add([execution(TRACE_B, 1.0)])
    assert log.executions(TRACE_A) == []


def test_a_malformed_trace_id_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as raised:
        TraceLog().executions("not-a-trace")
    assert raised.value.field == "trace_id"
