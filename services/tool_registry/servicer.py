"""gRPC servicer of the tool registry service: maps protos to the domain and back."""

from typing import Any

import grpc
from tripmesh.v1 import tool_registry_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class ToolRegistryServiceServicer(tool_registry_service_pb2_grpc.ToolRegistryServiceServicer):
    """Placeholder until issue #5: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def RegisterTool(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("ToolRegistryService.RegisterTool", 5)

    async def DeregisterTool(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        raise not_implemented_yet("ToolRegistryService.DeregisterTool", 5)

    async def GetTool(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("ToolRegistryService.GetTool", 5)

    async def ListTools(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("ToolRegistryService.ListTools", 5)

    async def Heartbeat(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("ToolRegistryService.Heartbeat", 5)
