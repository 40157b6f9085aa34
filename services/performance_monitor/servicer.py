"""gRPC servicer of the performance monitor service: maps protos to the domain and back."""

from collections.abc import AsyncIterator
from typing import Any

import grpc
from tripmesh.v1 import performance_monitor_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class PerformanceMonitorServiceServicer(
    performance_monitor_service_pb2_grpc.PerformanceMonitorServiceServicer
):
    """Placeholder until issue #5: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def RecordExecutions(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        raise not_implemented_yet("PerformanceMonitorService.RecordExecutions", 5)

    async def GetStats(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("PerformanceMonitorService.GetStats", 5)

    async def ListAlerts(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("PerformanceMonitorService.ListAlerts", 5)

    async def WatchAlerts(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        raise not_implemented_yet("PerformanceMonitorService.WatchAlerts", 5)
        yield  # pragma: no cover - makes this an async generator
