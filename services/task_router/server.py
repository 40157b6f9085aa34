"""The task router server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import task_router_service_pb2_grpc

from registry import known_service
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.runtime.settings import Settings
from services.task_router.servicer import TaskRouterServiceServicer

SERVICE = known_service("task-router")


async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
    """Adds the servicers of the task router service."""
    task_router_service_pb2_grpc.add_TaskRouterServiceServicer_to_server(
        TaskRouterServiceServicer(), server
    )


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The task router server, bound but not started."""
    return await build_server(SERVICE, settings, install)
