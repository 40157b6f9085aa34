"""Waterfalls in the shared state: any replica reads a whole trace; an outage drops
records instead of failing the report, and a read says the state is unavailable."""

import pytest

from services.performance_monitor.shared_traces import SharedTraceLog
from services.runtime.errors import InvalidArgument, Unavailable
from services.runtime.reporting import Execution, Kind
from services.runtime.state.connection import SharedState, connect
from tests.support.ports import free_port

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def call(service: str, start: float, trace_id: str = TRACE) -> Execution:
    return Execution(
        kind=Kind.EXECUTION_KIND_RPC,
        service=service,
        method="/tripmesh.v1.S/M",
        start=start,
        duration=0.01,
        code="OK",
        trace_id=trace_id,
    )


async def test_either_replica_reads_the_whole_trace_in_start_order(
    states: list[SharedState],
) -> None:
    one, two = SharedTraceLog(states[0]), SharedTraceLog(states[1], max_per_trace=3)
    await one.add([call("tripmesh-budget", 3.0), call("tripmesh-orchestrator", 1.0)])
    await two.add([call("tripmesh-planner", 2.0), call("other", 9.0, "0" * 32)])
    for replica in (one, two):
        found = await replica.executions(TRACE)
        assert [e.service for e in found] == [
            "tripmesh-orchestrator",
            "tripmesh-planner",
            "tripmesh-budget",
        ]
    await two.add([call("tripmesh-guide", 4.0)])  # past the 3 records a trace keeps
    assert len(await one.executions(TRACE)) == 3
    with pytest.raises(InvalidArgument):
        await one.executions("not-a-trace-id")


async def test_an_outage_drops_records_and_a_read_is_unavailable(
    states: list[SharedState],
) -> None:
    states[0].client = connect(f"redis://127.0.0.1:{free_port()}/0", 0.2)  # nobody listens
    log = SharedTraceLog(states[0])
    await log.add([call("tripmesh-planner", 1.0)])  # never raises
    with pytest.raises(Unavailable):
        await log.executions(TRACE)
    await states[0].client.aclose()
