"""gRPC servicer of the performance monitor service: maps protos to the domain and back."""

from collections.abc import AsyncIterator
from typing import Any

import grpc
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc

from services.performance_monitor.convert import alert_proto, execution_of, stats_proto
from services.performance_monitor.monitor import PerformanceMonitor, StatsQuery

Context = grpc.aio.ServicerContext[Any, Any]


class PerformanceMonitorServiceServicer(
    performance_monitor_service_pb2_grpc.PerformanceMonitorServiceServicer
):
    def __init__(self, monitor: PerformanceMonitor) -> None:
        self._monitor = monitor

    async def RecordExecutions(
        self, request: pb.RecordExecutionsRequest, context: Context
    ) -> pb.RecordExecutionsResponse:
        return pb.RecordExecutionsResponse(accepted_count=await record(self._monitor, request))

    async def GetStats(self, request: pb.GetStatsRequest, context: Context) -> pb.GetStatsResponse:
        query = StatsQuery(window=request.window, service=request.service, kind=request.kind)
        return pb.GetStatsResponse(
            stats=[stats_proto(*entry) for entry in self._monitor.stats(query)],
            dropped_count=self._monitor.store.dropped_count,
        )

    async def ListAlerts(
        self, request: pb.ListAlertsRequest, context: Context
    ) -> pb.ListAlertsResponse:
        alerts = self._monitor.alerts.firing()
        if request.include_resolved:
            alerts += self._monitor.alerts.resolved()
        return pb.ListAlertsResponse(alerts=[alert_proto(a) for a in alerts])

    async def WatchAlerts(
        self, request: pb.WatchAlertsRequest, context: Context
    ) -> AsyncIterator[pb.WatchAlertsResponse]:
        async for alert in self._monitor.alerts.watch(request.include_current):
            yield pb.WatchAlertsResponse(alert=alert_proto(alert))

    async def ListExecutions(
        self, request: pb.ListExecutionsRequest, context: Context
    ) -> pb.ListExecutionsResponse:
        executions = self._monitor.traces.executions(request.trace_id)
        return pb.ListExecutionsResponse(executions=[e.to_proto(e.instance_id) for e in executions])


async def record(monitor: PerformanceMonitor, request: pb.RecordExecutionsRequest) -> int:
    """Records a batch; malformed records (no service or subject) are left out."""
    executions = [e for e in map(execution_of, request.records) if e is not None]
    return monitor.record(executions, request.dropped_count)
