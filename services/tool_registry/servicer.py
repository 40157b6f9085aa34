"""gRPC servicer of the tool registry service: maps protos to the catalogue and back."""

from typing import Any

import grpc
from tripmesh.v1 import tool_registry_service_pb2 as pb
from tripmesh.v1 import tool_registry_service_pb2_grpc

from services.runtime.errors import InvalidArgument
from services.runtime.wellknown import duration
from services.tool_registry.convert import definition_of, provider_of, tool_proto
from services.tool_registry.protocol import Catalog

Context = grpc.aio.ServicerContext[Any, Any]


class ToolRegistryServiceServicer(tool_registry_service_pb2_grpc.ToolRegistryServiceServicer):
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def RegisterTool(self, request: pb.RegisterToolRequest, context: Context) -> pb.Tool:
        if not request.HasField("tool") or not request.HasField("provider"):
            raise InvalidArgument(
                "tool and provider are required", reason="MISSING_FIELD", field="tool"
            )
        view = await self._catalog.register(
            definition_of(request.tool), provider_of(request.provider)
        )
        return tool_proto(view)

    async def DeregisterTool(
        self, request: pb.DeregisterToolRequest, context: Context
    ) -> pb.DeregisterToolResponse:
        await self._catalog.deregister(request.name, request.instance_id)
        return pb.DeregisterToolResponse()

    async def GetTool(self, request: pb.GetToolRequest, context: Context) -> pb.Tool:
        return tool_proto(await self._catalog.get(request.name))

    async def ListTools(
        self, request: pb.ListToolsRequest, context: Context
    ) -> pb.ListToolsResponse:
        views, next_token = await self._catalog.list_tools(
            tag=request.tag,
            provider=request.provider,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListToolsResponse(
            tools=[tool_proto(v) for v in views], next_page_token=next_token
        )

    async def Heartbeat(
        self, request: pb.HeartbeatRequest, context: Context
    ) -> pb.HeartbeatResponse:
        unknown = await self._catalog.heartbeat(request.instance_id, list(request.tool_names))
        return pb.HeartbeatResponse(unknown_tool_names=unknown, ttl=duration(self._catalog.ttl))
