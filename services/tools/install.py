"""`install_tools`: what an agent's `install()` calls to offer its tools."""

from collections.abc import Sequence
from typing import Any

import grpc
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc
from tripmesh.v1 import tool_service_pb2_grpc

from services.runtime.server import ServiceContext, announced_host
from services.runtime.settings import ServerSettings
from services.tools.definition import ToolSpec
from services.tools.registration import Provider, ToolRegistrar
from services.tools.servicer import ToolServiceServicer
from services.tools.settings import ToolProviderSettings
from services.tools.toolbox import ToolBox

TOOL_SERVICE = "tripmesh.v1.ToolService"


def install_tools(
    server: grpc.aio.Server,
    context: ServiceContext[ToolProviderSettings],
    tools: Sequence[ToolSpec],
) -> ToolRegistrar:
    """Serves `tools` on ToolService and keeps them registered with the tool registry.

    Registration starts once the server is serving (the port is known then) and
    is withdrawn when the server drains.
    """
    tool_service_pb2_grpc.add_ToolServiceServicer_to_server(
        ToolServiceServicer(ToolBox(tools)), server
    )
    if TOOL_SERVICE not in context.proto_services:
        context.proto_services.append(TOOL_SERVICE)
    context.tags.extend(f"tool={tool.name}" for tool in tools)
    # Any: the pool is typed with the sync stub class; its stubs are the .pyi's async ones.
    registry: Any = context.channels.client("tool-registry", registry_grpc.ToolRegistryServiceStub)
    registrar = ToolRegistrar(
        tools,
        lambda: registry.stub,
        interval=context.settings.tool_heartbeat_interval,
        timeout=context.settings.tool_registry_timeout,
    )

    async def start() -> None:
        registrar.start(provider_of(context))

    context.on_start.append(start)
    context.on_drain.append(registrar.stop)  # the router stops choosing us before we stop
    return registrar


def provider_of(context: ServiceContext[ServerSettings]) -> Provider:
    """This instance as a tool provider: its discovery name, instance id and address."""
    host = announced_host(context.settings.host)
    address = f"[{host}]:{context.port}" if ":" in host else f"{host}:{context.port}"
    return Provider(context.service.discovery_name, context.instance_id, address)
