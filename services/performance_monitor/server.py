"""The performance monitor server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc

from registry import KNOWN_SERVICES, known_service
from services.performance_monitor.alerts import AlertBook
from services.performance_monitor.health import GrpcProbe, HealthWatcher
from services.performance_monitor.monitor import PerformanceMonitor, Replicas
from services.performance_monitor.rules import Thresholds, default_rules
from services.performance_monitor.servicer import PerformanceMonitorServiceServicer, record
from services.performance_monitor.settings import Settings
from services.performance_monitor.shared_alerts import SharedAlerts
from services.performance_monitor.shared_stats import SharedStats
from services.performance_monitor.shared_traces import SharedTraceLog
from services.performance_monitor.store import StatsStore
from services.runtime.background import run_while_serving
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.runtime.state.lease import Lease

SERVICE = known_service("performance-monitor")


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        trip_failure_rate=settings.alert_trip_failure_rate,
        trip_duration=settings.alert_trip_duration,
        model_failure_rate=settings.alert_model_failure_rate,
        service_down=settings.alert_service_down,
        window=float(settings.alert_window),
        min_count=settings.alert_min_count,
    )


def create_monitor(context: ServiceContext[Settings], probe: GrpcProbe) -> PerformanceMonitor:
    watched = [s for s in KNOWN_SERVICES.values() if s != SERVICE]
    health = HealthWatcher(context.discovery, watched, probe)
    limits = thresholds(context.settings)
    if context.state is None:
        store = StatsStore()
        return PerformanceMonitor(store, default_rules(store, health, limits), AlertBook(), health)
    replicas = shared_replicas(context)
    rules = default_rules(replicas.stats, health, limits)
    return PerformanceMonitor(
        replicas.stats, rules, replicas.alerts.book, health, replicas=replicas
    )


def shared_replicas(context: ServiceContext[Settings]) -> Replicas:
    """Statistics and alerts in the shared state, the alert lease named after this instance."""
    assert context.state is not None
    settings = context.settings
    lease = Lease(context.state, "monitor-alerts", context.instance_id, settings.monitor_lease_ttl)
    alerts = SharedAlerts(context.state, AlertBook(publish_changes=False), lease)
    stats = SharedStats(context.state, settings.report_buffer_size)
    return Replicas(stats, alerts, SharedTraceLog(context.state))


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the performance monitor service."""
    probe = GrpcProbe(timeout=context.settings.consul_check_timeout, files=context.settings.tls)
    monitor = create_monitor(context, probe)
    performance_monitor_service_pb2_grpc.add_PerformanceMonitorServiceServicer_to_server(
        PerformanceMonitorServiceServicer(monitor), server
    )

    async def record_locally(request: pb.RecordExecutionsRequest) -> None:
        await record(monitor, request)

    # The monitor's own RPCs go straight into its store, not through the network.
    context.reporter.use_sink(record_locally)
    settings = context.settings
    context.on_stop.append(probe.close)  # after the monitor's task: stop hooks run in reverse
    run_while_serving(
        context,
        lambda: monitor.run(settings.monitor_eval_interval, settings.monitor_health_interval),
        "monitor",
    )

    async def hand_over() -> None:
        """A draining replica gives the alert lease up, so another evaluates at once."""
        if monitor.replicas is not None:
            await monitor.replicas.stats.flush()
            await monitor.replicas.alerts.lease.release()

    context.on_drain.append(hand_over)


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The performance monitor server, bound but not started."""
    return await build_server(SERVICE, settings, install)
