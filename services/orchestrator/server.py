"""The orchestrator server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import orchestrator_service_pb2_grpc

from registry import known_service
from services.orchestrator.servicer import OrchestratorServiceServicer
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.runtime.settings import Settings

SERVICE = known_service("orchestrator")


async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
    """Adds the servicers of the orchestrator service."""
    orchestrator_service_pb2_grpc.add_OrchestratorServiceServicer_to_server(
        OrchestratorServiceServicer(), server
    )


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The orchestrator server, bound but not started."""
    return await build_server(SERVICE, settings, install)
