"""The monitor over gRPC, the reporting interceptor of another server, and health watching."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from google.protobuf import duration_pb2
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc

from registry import Endpoint, known_service
from registry.static import StaticDiscovery
from services.performance_monitor.health import GrpcProbe, HealthWatcher
from services.performance_monitor.server import create_server as create_monitor
from services.runtime.reporting import Kind, reported
from services.tool_registry.server import create_server as create_registry
from tests.support.inprocess import channel_to, running_server
from tests.support.ports import free_port


@asynccontextmanager
async def monitor_and_registry(**settings: object) -> AsyncIterator[tuple[int, int]]:
    monitor_port, registry_port = free_port(), free_port()
    endpoints = (
        f"performance-monitor=127.0.0.1:{monitor_port},tool-registry=127.0.0.1:{registry_port}"
    )
    common = {
        "endpoints": endpoints,
        "report_interval": 0.05,
        "monitor_eval_interval": 0.05,
        **settings,
    }
    async with (
        running_server(create_monitor, port=monitor_port, **common),
        running_server(create_registry, port=registry_port, **common),
    ):
        yield monitor_port, registry_port


def model_record(code: str) -> pb.ExecutionRecord:
    return pb.ExecutionRecord(
        kind=pb.EXECUTION_KIND_MODEL,
        service="tripmesh-planner",
        model="openai:gpt-4.1-mini",
        duration=duration_pb2.Duration(nanos=300_000_000),
        code=code,
    )


async def test_other_servers_report_their_rpcs_and_stats_come_back() -> None:
    async with monitor_and_registry() as (monitor_port, registry_port):
        async with channel_to(registry_port) as channel:
            stub = registry_grpc.ToolRegistryServiceStub(channel)
            for _ in range(3):
                await stub.ListTools(registry_pb2.ListToolsRequest())
        async with channel_to(monitor_port) as channel:
            stub_pm = pm_grpc.PerformanceMonitorServiceStub(channel)
            for _ in range(50):
                reply = await stub_pm.GetStats(
                    pb.GetStatsRequest(
                        window=pb.STATS_WINDOW_ONE_MINUTE, service="tripmesh-tool-registry"
                    )
                )
                if reply.stats and reply.stats[0].count >= 3:
                    break  # the reports may come in more than one batch
                await asyncio.sleep(0.05)
    (stats,) = reply.stats
    assert stats.subject == "/tripmesh.v1.ToolRegistryService/ListTools"
    assert stats.count == 3
    assert stats.kind == pb.EXECUTION_KIND_RPC
    assert 0 < stats.p50.ToNanoseconds() <= stats.p99.ToNanoseconds() < 1e9


async def test_record_executions_fires_model_alert_on_watch_and_list() -> None:
    async with monitor_and_registry() as (monitor_port, _), channel_to(monitor_port) as channel:
        stub = pm_grpc.PerformanceMonitorServiceStub(channel)
        watch = stub.WatchAlerts(pb.WatchAlertsRequest())
        failing = [model_record("UNAVAILABLE")] * 6
        reply = await stub.RecordExecutions(
            pb.RecordExecutionsRequest(records=[*failing, pb.ExecutionRecord()], dropped_count=2)
        )
        assert reply.accepted_count == 6  # the empty record is left out
        fired = await asyncio.wait_for(watch.read(), 5)
        assert fired.alert.name == "alerts/model_failure_rate"
        assert fired.alert.state == pb.ALERT_STATE_FIRING
        listed = await stub.ListAlerts(pb.ListAlertsRequest())
        assert [a.name for a in listed.alerts] == ["alerts/model_failure_rate"]
        await stub.RecordExecutions(pb.RecordExecutionsRequest(records=[model_record("OK")] * 30))
        resolved = await asyncio.wait_for(watch.read(), 5)
        assert resolved.alert.state == pb.ALERT_STATE_RESOLVED
        watch.cancel()
        history = await stub.ListAlerts(pb.ListAlertsRequest(include_resolved=True))
        assert [a.state for a in history.alerts] == [pb.ALERT_STATE_RESOLVED]
        stats = await stub.GetStats(pb.GetStatsRequest(kind=pb.EXECUTION_KIND_MODEL, window=1))
        assert stats.dropped_count == 2
        assert stats.stats[0].count == 36


async def test_performance_monitoring_off_removes_the_interceptor() -> None:
    async with running_server(create_registry, enable_performance_monitoring=False) as (server, _):
        assert not server.context.reporter.enabled
    async with running_server(create_registry) as (server, _):
        assert server.context.reporter.enabled
        assert server.context.reporter.instance_id == server.context.instance_id


async def test_health_watcher_sees_serving_and_down_services() -> None:
    clock = [1000.0]
    async with running_server(create_registry) as (_, port):
        dead = free_port()
        discovery = StaticDiscovery(
            {
                "tripmesh-tool-registry": [Endpoint("127.0.0.1", port)],
                "tripmesh-budget": [Endpoint("127.0.0.1", dead)],
            }
        )
        probe = GrpcProbe(timeout=0.5)
        watcher = HealthWatcher(
            discovery,
            [known_service("tool-registry"), known_service("budget")],
            probe,
            lambda: clock[0],
        )
        await watcher.check_all()
        clock[0] += 130
        await watcher.check_all()
        await probe.close()
    assert watcher.not_serving(clock[0]) == {
        "tripmesh-tool-registry": 0.0,
        "tripmesh-budget": 130.0,
    }


def test_servers_report_neither_health_nor_the_records_they_receive() -> None:
    assert reported("/tripmesh.v1.BudgetService/EstimateBudget")
    assert not reported("/grpc.health.v1.Health/Check")
    assert not reported("/tripmesh.v1.PerformanceMonitorService/RecordExecutions")
    assert Kind.EXECUTION_KIND_RPC == pb.EXECUTION_KIND_RPC
