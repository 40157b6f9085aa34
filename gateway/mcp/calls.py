"""tools/call: registry tools through the task router, plan_trip through the orchestrator.

A call that the mesh answers with an error (a bad argument, no healthy provider, a
deadline) is a tool result with isError, so that the model reads what went wrong;
an unknown tool is a protocol error, as the MCP spec asks.
"""

import json
import logging
from typing import TYPE_CHECKING, Any

import grpc
import mcp_types as types
from google.protobuf import json_format
from google.rpc import status_pb2
from mcp.shared.exceptions import MCPError
from tripmesh.v1 import task_router_service_pb2 as router_pb2

from gateway.jsonmap import to_dict
from gateway.mcp.catalog import RESOURCE_PREFIX
from gateway.mcp.plan_tool import PLAN_TRIP, plan_request
from services.runtime.channels import ServiceClient
from services.runtime.errors import (
    TripmeshError,
    code_name,
    error_info,
    status_from_rpc_error,
)

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceAsyncStub
    from tripmesh.v1.task_router_service_pb2_grpc import TaskRouterServiceAsyncStub

logger = logging.getLogger(__name__)


class ToolCalls:
    def __init__(
        self,
        router: ServiceClient["TaskRouterServiceAsyncStub"],
        orchestrator: ServiceClient["OrchestratorServiceAsyncStub"],
        *,
        tool_timeout: float,
        plan_timeout: float,
    ) -> None:
        self._router = router
        self._orchestrator = orchestrator
        self._tool_timeout = tool_timeout
        self._plan_timeout = plan_timeout

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        try:
            if name == PLAN_TRIP:
                return await self._plan_trip(arguments)
            return await self._route(name, arguments)
        except grpc.aio.AioRpcError as error:
            status = status_from_rpc_error(error)
        except TripmeshError as error:  # raised before a call left (no channel, bad arguments)
            status = error.to_status("tripmesh-gateway")
        if status.code == grpc.StatusCode.NOT_FOUND.value[0] and name != PLAN_TRIP:
            raise MCPError(types.INVALID_PARAMS, f"unknown tool: {name}") from None
        return tool_error(status)

    async def _route(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        request = router_pb2.RouteTaskRequest(name=RESOURCE_PREFIX + name)
        request.arguments.update(arguments)
        reply = await self._router.stub.RouteTask(request, timeout=self._tool_timeout)
        return tool_result(json_format.MessageToDict(reply.result))

    async def _plan_trip(self, arguments: dict[str, Any]) -> types.CallToolResult:
        request = plan_request(arguments)
        trip = await self._orchestrator.stub.PlanTrip(request, timeout=self._plan_timeout)
        return tool_result(to_dict(trip))


def tool_result(value: dict[str, Any]) -> types.CallToolResult:
    """The result as structured content, and as JSON text for clients that read only text."""
    text = json.dumps(value, ensure_ascii=False)
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=value)


def tool_error(status: status_pb2.Status) -> types.CallToolResult:
    """ "INVALID_ARGUMENT: arguments.amount: ... (field arguments.amount)" as a tool error."""
    text = f"{code_name(status.code)}: {status.message}"
    info = error_info(status)
    if info is not None and (field := info.metadata.get("field")):
        text += f" (field {field})"
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)
