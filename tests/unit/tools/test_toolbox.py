"""ToolBox and ToolService: arguments and results checked against the schemas."""

import grpc
import pytest
from tripmesh.v1 import tool_service_pb2, tool_service_pb2_grpc

from services.runtime.errors import (
    Internal,
    InvalidArgument,
    NotFound,
    error_info,
    status_from_rpc_error,
)
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.tools.definition import ToolSpec
from services.tools.servicer import ToolServiceServicer
from services.tools.structs import to_dict, to_struct
from services.tools.toolbox import ToolBox
from tests.support.inprocess import channel_to, running_server
from tests.support.settings import Settings

INPUT = {
    "type": "object",
    "properties": {"n": {"type": "integer", "minimum": 0}},
    "required": ["n"],
}
OUTPUT = {"type": "object", "properties": {"twice": {"type": "integer"}}, "required": ["twice"]}


async def _twice(arguments: dict[str, object]) -> dict[str, object]:
    return {"twice": 2 * int(arguments["n"])}  # type: ignore[call-overload]


def tools() -> list[ToolSpec]:
    return [
        ToolSpec("math.twice", "Doubles n.", INPUT, OUTPUT, _twice),
        ToolSpec("math.broken", "Breaks its schema.", INPUT, OUTPUT, lambda a: {"twice": "x"}),
    ]


async def test_invokes_sync_and_async_handlers() -> None:
    box = ToolBox(tools())
    assert await box.invoke("tools/math.twice", {"n": 4}) == {"twice": 8}


async def test_rejects_bad_arguments_unknown_tools_and_bad_results() -> None:
    box = ToolBox(tools())
    with pytest.raises(InvalidArgument) as bad:
        await box.invoke("tools/math.twice", {"n": -1})
    assert bad.value.metadata["path"] == "$.n"
    with pytest.raises(NotFound):
        await box.invoke("tools/math.thrice", {"n": 1})
    with pytest.raises(InvalidArgument):
        await box.invoke("math.twice", {"n": 1})
    with pytest.raises(Internal):
        await box.invoke("tools/math.broken", {"n": 1})


def test_tool_definitions_are_checked_at_start() -> None:
    with pytest.raises(ValueError, match="lower_snake"):
        ToolSpec("Twice", "", INPUT, OUTPUT, _twice)
    with pytest.raises(Exception, match="not valid"):
        ToolSpec("math.bad", "", {"type": "nope"}, OUTPUT, _twice)


async def _install(server: grpc.aio.Server, context: ServiceContext) -> None:
    tool_service_pb2_grpc.add_ToolServiceServicer_to_server(
        ToolServiceServicer(ToolBox(tools())), server
    )


async def _create(settings: Settings) -> tuple[ServiceServer, int]:
    from registry import known_service

    return await build_server(known_service("budget"), settings, _install)


async def test_tool_service_over_grpc_with_error_details() -> None:
    async with running_server(_create) as (_, port), channel_to(port) as channel:
        stub = tool_service_pb2_grpc.ToolServiceStub(channel)
        reply = await stub.InvokeTool(
            tool_service_pb2.InvokeToolRequest(
                name="tools/math.twice", arguments=to_struct({"n": 5})
            )
        )
        assert to_dict(reply.result) == {"twice": 10}
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await stub.InvokeTool(
                tool_service_pb2.InvokeToolRequest(name="tools/math.twice", arguments=to_struct({}))
            )
    assert failed.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    info = error_info(status_from_rpc_error(failed.value))
    assert info is not None
    assert info.reason == "INVALID_TOOL_ARGUMENTS"
    assert info.metadata["path"] == "$.n"
    assert info.metadata["field"] == "arguments.n"
