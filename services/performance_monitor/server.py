"""The performance monitor server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import performance_monitor_service_pb2_grpc

from registry import known_service
from services.performance_monitor.servicer import PerformanceMonitorServiceServicer
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.runtime.settings import Settings

SERVICE = known_service("performance-monitor")


async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
    """Adds the servicers of the performance monitor service."""
    performance_monitor_service_pb2_grpc.add_PerformanceMonitorServiceServicer_to_server(
        PerformanceMonitorServiceServicer(), server
    )


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The performance monitor server, bound but not started."""
    return await build_server(SERVICE, settings, install)
