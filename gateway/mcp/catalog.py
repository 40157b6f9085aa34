"""The registry's tools as MCP tools: names without the "tools/" prefix, the tools' own JSON
Schemas, read-only hints; only tools with a live provider are offered."""

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import mcp_types as types
from google.protobuf import json_format
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from services.runtime.channels import ServiceClient

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.tool_registry_service_pb2_grpc import ToolRegistryServiceAsyncStub

RESOURCE_PREFIX = "tools/"
PAGE_SIZE = 100

# Every registry tool computes from shipped data: it reads, changes nothing, and the same
# arguments give the same answer.
READ_ONLY = types.ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def mcp_tool(tool: registry_pb2.Tool) -> types.Tool:
    """The MCP view of a registered tool."""
    return types.Tool(
        name=tool.name.removeprefix(RESOURCE_PREFIX),
        description=tool.description,
        input_schema=json_format.MessageToDict(tool.input_schema),
        output_schema=json_format.MessageToDict(tool.output_schema) or None,
        annotations=READ_ONLY,
    )


def fingerprint(tools: Sequence[types.Tool]) -> str:
    """What a client sees of a list (names, schemas, hints), to tell when it changed."""
    dumped = sorted(t.model_dump_json(by_alias=True, exclude_none=True) for t in tools)
    return json.dumps(dumped)


class RegistryTools:
    """Reads the registry's available tools, every page of them."""

    def __init__(
        self, registry: ServiceClient["ToolRegistryServiceAsyncStub"], timeout: float
    ) -> None:
        self._registry = registry
        self._timeout = timeout

    async def list(self) -> list[types.Tool]:
        tools: list[types.Tool] = []
        token = ""
        while True:
            request = registry_pb2.ListToolsRequest(page_size=PAGE_SIZE, page_token=token)
            page = await self._registry.stub.ListTools(request, timeout=self._timeout)
            tools.extend(mcp_tool(tool) for tool in page.tools if tool.available)
            token = page.next_page_token
            if not token:
                return tools
