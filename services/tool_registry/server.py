"""The tool registry server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import tool_registry_service_pb2_grpc

from registry import known_service
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.tool_registry.catalog import ToolCatalog
from services.tool_registry.protocol import Catalog, LocalCatalog
from services.tool_registry.servicer import ToolRegistryServiceServicer
from services.tool_registry.settings import Settings
from services.tool_registry.shared_catalog import SharedCatalog

SERVICE = known_service("tool-registry")


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the tool registry service."""
    tool_registry_service_pb2_grpc.add_ToolRegistryServiceServicer_to_server(
        ToolRegistryServiceServicer(create_catalog(context)), server
    )


def create_catalog(context: ServiceContext[Settings]) -> Catalog:
    """Shared by every replica when TRIPMESH_STATE_URL is set, else in this process."""
    ttl = context.settings.tool_ttl
    if context.state is not None:
        return SharedCatalog(context.state, ttl)
    return LocalCatalog(ToolCatalog(ttl=ttl))


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The tool registry server, bound but not started."""
    return await build_server(SERVICE, settings, install)
