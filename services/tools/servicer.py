"""gRPC servicer of ToolService: maps protos to the tool box and back."""

from typing import Any

import grpc
from tripmesh.v1 import tool_service_pb2, tool_service_pb2_grpc

from services.tools.structs import to_dict, to_struct
from services.tools.toolbox import ToolBox


class ToolServiceServicer(tool_service_pb2_grpc.ToolServiceServicer):
    def __init__(self, toolbox: ToolBox) -> None:
        self._toolbox = toolbox

    async def InvokeTool(
        self,
        request: tool_service_pb2.InvokeToolRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> tool_service_pb2.InvokeToolResponse:
        result = await self._toolbox.invoke(request.name, to_dict(request.arguments))
        return tool_service_pb2.InvokeToolResponse(result=to_struct(result))
