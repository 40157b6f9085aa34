"""Overload control on a real server: beyond its limit a call is refused at once with
RESOURCE_EXHAUSTED and a RetryInfo, while the admitted calls complete."""

import asyncio
from collections import Counter

import grpc
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY
from tripmesh.v1 import tool_registry_service_pb2 as registry
from tripmesh.v1 import tool_registry_service_pb2_grpc

from services.runtime import errors
from services.tool_registry.server import create_server as tool_registry_server
from tests.support.inprocess import channel_to, running_server

LIMIT_OF_TWO = {
    "overload_initial_limit": 2,
    "overload_min_limit": 2,
    "overload_max_limit": 2,
    "overload_max_wait": 0.0,
    "fault_delay_ms": 300,  # every admitted call holds its slot while the others arrive
}


LIST_TOOLS = "/tripmesh.v1.ToolRegistryService/ListTools"


def refused_so_far() -> float:
    labels = {"grpc_method": LIST_TOOLS, "reason": "OVERLOADED"}
    return REGISTRY.get_sample_value("tripmesh_overload_refused_total", labels) or 0.0


async def test_calls_beyond_the_limit_get_resource_exhausted_with_retry_info() -> None:
    counted_before = refused_so_far()
    async with (
        running_server(tool_registry_server, **LIMIT_OF_TWO) as (_server, port),
        channel_to(port) as channel,
    ):
        stub = tool_registry_service_pb2_grpc.ToolRegistryServiceStub(channel)
        await channel.channel_ready()
        calls = [stub.ListTools(registry.ListToolsRequest(), timeout=10) for _ in range(6)]
        outcomes = await asyncio.gather(*calls, return_exceptions=True)

    codes = Counter(
        o.code() if isinstance(o, grpc.aio.AioRpcError) else grpc.StatusCode.OK for o in outcomes
    )
    assert codes == {grpc.StatusCode.OK: 2, grpc.StatusCode.RESOURCE_EXHAUSTED: 4}
    refused = next(o for o in outcomes if isinstance(o, grpc.aio.AioRpcError))
    status = errors.status_from_rpc_error(refused)
    info = errors.error_info(status)
    assert info is not None
    assert info.reason == "OVERLOADED"
    assert info.domain == "tripmesh-tool-registry"
    retry = [d for d in status.details if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR)]
    assert len(retry) == 1
    # each refusal is counted, though its status is built once
    assert refused_so_far() - counted_before == 4


async def test_health_checks_are_answered_while_the_server_is_full() -> None:
    async with (
        running_server(tool_registry_server, **LIMIT_OF_TWO) as (_server, port),
        channel_to(port) as channel,
    ):
        stub = tool_registry_service_pb2_grpc.ToolRegistryServiceStub(channel)
        busy = [stub.ListTools(registry.ListToolsRequest(), timeout=10) for _ in range(2)]
        await asyncio.sleep(0.05)
        health = health_pb2_grpc.HealthStub(channel)
        reply = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        # the metrics show the limit full (this server's, the last one built in the process)
        assert REGISTRY.get_sample_value("tripmesh_overload_limit") == 2
        assert REGISTRY.get_sample_value("tripmesh_overload_in_progress") == 2
        assert REGISTRY.get_sample_value("tripmesh_overload_queued") == 0
        await asyncio.gather(*busy)
