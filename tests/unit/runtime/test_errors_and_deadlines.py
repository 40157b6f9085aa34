"""The runtime's error model and deadline propagation, through real gRPC servers in-process."""

import time
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from google.rpc import error_details_pb2
from tripmesh.v1 import tool_service_pb2, tool_service_pb2_grpc

from registry import KnownService
from services.runtime import deadlines, errors
from services.runtime.server import ServiceContext, ServiceServer, build_server
from tests.support.inprocess import channel_to, running_server
from tests.support.settings import Settings

PROBE = KnownService("probe", "tripmesh-probe", 0, 0, "tripmesh.v1.ToolService")


class ProbeTools(tool_service_pb2_grpc.ToolServiceServicer):
    """A ToolService whose tools exercise the runtime: raise, or report the deadline."""

    def __init__(self, context: ServiceContext, next_hop: str | None) -> None:
        self._context = context
        self._next_hop = next_hop

    async def InvokeTool(self, request: Any, context: Any) -> tool_service_pb2.InvokeToolResponse:
        if request.name == "tools/domain_error":
            raise errors.NotFound("no such trip", reason="TRIP_NOT_FOUND", field="name")
        if request.name == "tools/bare_error":
            raise ValueError("secret internal detail")
        result = struct_pb2.Struct()
        result.update({"remaining": deadlines.remaining() or -1.0})
        if self._next_hop:
            client = self._context.channels.client(
                self._next_hop, tool_service_pb2_grpc.ToolServiceStub
            )
            reply = await client.stub.InvokeTool(tool_service_pb2.InvokeToolRequest(name="tools/x"))
            result.update({"next_hop_remaining": reply.result["remaining"]})
        return tool_service_pb2.InvokeToolResponse(result=result)


def probe_server(next_hop: str | None = None) -> Any:
    async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
        tool_service_pb2_grpc.add_ToolServiceServicer_to_server(
            ProbeTools(context, next_hop), server
        )

    async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
        return await build_server(PROBE, settings, install)

    return create_server


async def invoke(port: int, name: str, timeout: float = 5.0) -> Any:
    async with channel_to(port) as channel:
        stub = tool_service_pb2_grpc.ToolServiceStub(channel)
        return await stub.InvokeTool(tool_service_pb2.InvokeToolRequest(name=name), timeout=timeout)


def error_infos(error: grpc.aio.AioRpcError) -> list[error_details_pb2.ErrorInfo]:
    status = errors.status_from_rpc_error(error)
    infos = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            infos.append(info)
    return infos


async def test_domain_error_reaches_the_client_with_its_code_and_one_error_info() -> None:
    async with running_server(probe_server()) as (_server, port):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await invoke(port, "tools/domain_error")
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    assert caught.value.details() == "no such trip"
    [info] = error_infos(caught.value)
    assert (info.reason, info.domain, info.metadata["field"]) == (
        "TRIP_NOT_FOUND",
        "tripmesh-probe",
        "name",
    )


async def test_bare_exception_is_internal_not_unknown_and_leaks_nothing() -> None:
    async with running_server(probe_server()) as (_server, port):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await invoke(port, "tools/bare_error")
    assert caught.value.code() is grpc.StatusCode.INTERNAL
    assert "secret" not in (caught.value.details() or "")
    [info] = error_infos(caught.value)
    assert info.reason == "INTERNAL"
    assert info.metadata["correlation_id"]


async def test_deadline_of_the_first_caller_is_visible_reduced_in_the_second_hop() -> None:
    async with running_server(probe_server()) as (_second, second_port):
        first = probe_server(next_hop="tripmesh-probe")
        endpoints = f"tripmesh-probe=127.0.0.1:{second_port}"
        async with running_server(first, endpoints=endpoints, deadline_margin=0.2) as (_f, port):
            started = time.monotonic()
            reply = await invoke(port, "tools/deadline", timeout=3.0)
    first_hop = reply.result["remaining"]
    second_hop = reply.result["next_hop_remaining"]
    assert 0 < first_hop <= 3.0 + 0.05  # grpc-timeout is rounded up on the wire
    # The second hop sees what was left of the caller's 3 s, minus the 0.2 s margin
    # (give or take the rounding of the grpc-timeout header).
    assert 0 < second_hop <= first_hop - 0.2 + 0.01
    assert second_hop > 3.0 - 0.2 - (time.monotonic() - started) - 0.5


async def test_outgoing_call_without_time_left_fails_fast_with_deadline_exceeded() -> None:
    async with running_server(probe_server()) as (_second, second_port):
        first = probe_server(next_hop="tripmesh-probe")
        endpoints = f"tripmesh-probe=127.0.0.1:{second_port}"
        async with running_server(first, endpoints=endpoints, deadline_margin=5.0) as (_f, port):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await invoke(port, "tools/deadline", timeout=1.0)
    assert caught.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
