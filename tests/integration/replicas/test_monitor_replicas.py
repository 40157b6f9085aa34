"""Two performance monitors sharing their state: the same figures from either, each alert
fired once and seen on both, and the rules move on when the lease holder dies."""

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pb_grpc

from tests.support.processes import ServiceProcess, base_env
from tests.support.redis_state import StateSpace

PLAN_TRIP = "/tripmesh.v1.OrchestratorService/PlanTrip"
LEASE_TTL = 2.0


def trip_record(code: str = "OK") -> pb.ExecutionRecord:
    return pb.ExecutionRecord(
        kind=pb.EXECUTION_KIND_RPC,
        service="tripmesh-orchestrator",
        method=PLAN_TRIP,
        duration=Duration(nanos=300_000_000),
        code=code,
    )


def model_record(code: str) -> pb.ExecutionRecord:
    return pb.ExecutionRecord(
        kind=pb.EXECUTION_KIND_MODEL,
        service="tripmesh-planner",
        model="gemini:gemini-2.5-flash",
        duration=Duration(nanos=100_000_000),
        code=code,
    )


def stub(monitor: ServiceProcess) -> pb_grpc.PerformanceMonitorServiceStub:
    return pb_grpc.PerformanceMonitorServiceStub(grpc.insecure_channel(monitor.address))


class Watch:
    """A WatchAlerts stream on one replica, read on a thread."""

    def __init__(self, monitor: ServiceProcess) -> None:
        self._call = stub(monitor).WatchAlerts(pb.WatchAlertsRequest(), timeout=120)
        self.seen: list[tuple[str, int]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for change in self._call:
                self.seen.append((change.alert.name, change.alert.state))
        except grpc.RpcError:
            pass

    def cancel(self) -> None:
        self._call.cancel()


def wait_until(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture
def monitors(state: StateSpace, tmp_path: Path) -> Iterator[list[ServiceProcess]]:
    running = []
    for name in ("monitor-a", "monitor-b"):
        env = base_env(
            tmp_path,
            **state.env,
            TRIPMESH_INSTANCE_ID=name,
            TRIPMESH_MONITOR_EVAL_INTERVAL="0.2",
            TRIPMESH_MONITOR_LEASE_TTL=str(LEASE_TTL),
            ENABLE_PERFORMANCE_MONITORING="false",
        )
        running.append(ServiceProcess("performance-monitor", env).start(tmp_path))
    try:
        yield [m.wait_serving(timeout=60) for m in running]
    finally:
        for monitor in running:
            monitor.stop()


def trips(monitor: ServiceProcess) -> int:
    reply = stub(monitor).GetStats(
        pb.GetStatsRequest(window=pb.STATS_WINDOW_FIVE_MINUTES, service="tripmesh-orchestrator"),
        timeout=10,
    )
    return sum(s.count for s in reply.stats if s.subject == PLAN_TRIP)


def test_replicas_answer_alike_fire_once_and_hand_the_rules_over(
    monitors: list[ServiceProcess], state: StateSpace
) -> None:
    for i in range(20):  # as the orchestrators' reporters send them, to either replica
        request = pb.RecordExecutionsRequest(records=[trip_record()])
        stub(monitors[i % 2]).RecordExecutions(request, timeout=10)
    assert [trips(m) for m in monitors] == [20, 20]

    watches = [Watch(m) for m in monitors]
    time.sleep(0.5)  # both streams open before the failures (WatchAlerts sends no header)
    failures = pb.RecordExecutionsRequest(records=[model_record("UNAVAILABLE")] * 6)
    stub(monitors[0]).RecordExecutions(failures, timeout=10)
    firing = ("alerts/model_failure_rate", pb.ALERT_STATE_FIRING)
    wait_until(lambda: all(firing in w.seen for w in watches))

    with state.client() as redis:
        holder = redis.get(f"{state.prefix}lease:monitor-alerts")
        assert holder in ("monitor-a", "monitor-b")
        survivor = monitors[1] if holder == "monitor-a" else monitors[0]
        watch = watches[monitors.index(survivor)]
        monitors[0 if survivor is monitors[1] else 1].stop(signal.SIGKILL)
        killed = time.monotonic()
        wait_until(lambda: redis.get(f"{state.prefix}lease:monitor-alerts") != holder)
        assert time.monotonic() - killed <= 2 * LEASE_TTL + 1.0

    successes = pb.RecordExecutionsRequest(records=[model_record("OK")] * 40)
    stub(survivor).RecordExecutions(successes, timeout=10)
    resolved = ("alerts/model_failure_rate", pb.ALERT_STATE_RESOLVED)
    wait_until(lambda: resolved in watch.seen)
    for w in watches:
        w.cancel()
    assert watch.seen.count(firing) == 1  # the new holder did not fire it again
    listed = stub(survivor).ListAlerts(pb.ListAlertsRequest(include_resolved=True), timeout=10)
    assert [(a.name, a.state) for a in listed.alerts] == [resolved]


def test_a_trace_recorded_through_both_replicas_is_whole_on_either(
    monitors: list[ServiceProcess],
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    for i, service in enumerate(("tripmesh-orchestrator", "tripmesh-planner", "tripmesh-budget")):
        record = trip_record()
        record.service, record.trace_id = service, trace_id
        record.start_time.FromSeconds(1_800_000_000 + i)
        request = pb.RecordExecutionsRequest(records=[record])
        stub(monitors[i % 2]).RecordExecutions(request, timeout=10)
    for monitor in monitors:
        reply = stub(monitor).ListExecutions(
            pb.ListExecutionsRequest(trace_id=trace_id), timeout=10
        )
        assert [e.service for e in reply.executions] == [
            "tripmesh-orchestrator",
            "tripmesh-planner",
            "tripmesh-budget",
        ]
