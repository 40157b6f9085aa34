"""gRPC servicer of the performance monitor service: maps protos to the domain and back."""

from collections.abc import AsyncIterator
from typing import Any

import grpc
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc

from services.performance_monitor.convert import alert_proto, execution_of, stats_proto
from services.performance_monitor.monitor import PerformanceMonitor, StatsQuery
from services.performance_monitor.store import WINDOWS
from services.runtime.bounds import violations
from services.runtime.bounds_table import BOUNDS

Context = grpc.aio.ServicerContext[Any, Any]


class PerformanceMonitorServiceServicer(
    performance_monitor_service_pb2_grpc.PerformanceMonitorServiceServicer
):
    def __init__(self, monitor: PerformanceMonitor) -> None:
        self._monitor = monitor

    async def RecordExecutions(
        self, request: pb.RecordExecutionsRequest, context: Context
    ) -> pb.RecordExecutionsResponse:
        accepted, rejected = await record(self._monitor, request)
        return pb.RecordExecutionsResponse(accepted_count=accepted, rejected_count=rejected)

    async def GetStats(self, request: pb.GetStatsRequest, context: Context) -> pb.GetStatsResponse:
        query = StatsQuery(window=request.window, service=request.service, kind=request.kind)
        await self._monitor.refresh([request.window] if request.window else WINDOWS)
        return pb.GetStatsResponse(
            stats=[stats_proto(*entry) for entry in self._monitor.stats(query)],
            dropped_count=self._monitor.store.dropped_count,
            rejected_count=self._monitor.rejected_count,
        )

    async def ListAlerts(
        self, request: pb.ListAlertsRequest, context: Context
    ) -> pb.ListAlertsResponse:
        await self._monitor.refresh([])  # the alerts only
        alerts = self._monitor.alerts.firing()
        if request.include_resolved:
            alerts += self._monitor.alerts.resolved()
        return pb.ListAlertsResponse(alerts=[alert_proto(a) for a in alerts])

    async def WatchAlerts(
        self, request: pb.WatchAlertsRequest, context: Context
    ) -> AsyncIterator[pb.WatchAlertsResponse]:
        if request.include_current:
            await self._monitor.refresh([])
        async for alert in self._monitor.alerts.watch(request.include_current):
            yield pb.WatchAlertsResponse(alert=alert_proto(alert))

    async def ListExecutions(
        self, request: pb.ListExecutionsRequest, context: Context
    ) -> pb.ListExecutionsResponse:
        executions = await self._monitor.executions(request.trace_id)
        return pb.ListExecutionsResponse(executions=[e.to_proto(e.instance_id) for e in executions])


async def record(
    monitor: PerformanceMonitor, request: pb.RecordExecutionsRequest
) -> tuple[int, int]:
    """Records a batch; returns (accepted, rejected).

    Each record is taken or refused on its own: one out of its bounds (tokens past int64
    sums, a duration of centuries) or naming no service or subject never reaches the
    windows, where it would break every statistic until it aged out.
    """
    executions = []
    for record in request.records:
        execution = None if violations(record, BOUNDS) else execution_of(record)
        if execution is not None:
            executions.append(execution)
    rejected = len(request.records) - len(executions)
    await monitor.accept(executions, request.dropped_count, rejected)
    return len(executions), rejected
