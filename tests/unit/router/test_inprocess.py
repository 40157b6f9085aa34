"""Registry, router and a budget agent in one event loop: the whole path over real gRPC."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from tripmesh.v1 import task_router_service_pb2 as router_pb2
from tripmesh.v1 import task_router_service_pb2_grpc as router_grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc

from services.budget.server import create_server as create_budget
from services.runtime.errors import InvalidArgument, NotFound, error_info, status_from_rpc_error
from services.task_router.server import create_server as create_router
from services.tool_registry.server import create_server as create_registry
from services.tools.client import ToolClient
from services.tools.structs import to_struct
from tests.support.inprocess import channel_to, running_server
from tests.support.ports import free_port


@dataclass
class Ports:
    registry: int
    router: int
    budget: int


@asynccontextmanager
async def tools_mesh(**settings: object) -> AsyncIterator[Ports]:
    ports = Ports(free_port(), free_port(), free_port())
    endpoints = (
        f"tool-registry=127.0.0.1:{ports.registry},task-router=127.0.0.1:{ports.router},"
        f"budget=127.0.0.1:{ports.budget}"
    )
    common = {"endpoints": endpoints, "tool_heartbeat_interval": 0.2, **settings}
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(
            running_server(create_registry, port=ports.registry, **common)
        )
        await stack.enter_async_context(running_server(create_router, port=ports.router, **common))
        await stack.enter_async_context(running_server(create_budget, port=ports.budget, **common))
        async with channel_to(ports.registry) as channel:
            stub = registry_grpc.ToolRegistryServiceStub(channel)
            for _ in range(100):
                listed = await stub.ListTools(
                    registry_pb2.ListToolsRequest(provider="tripmesh-budget")
                )
                if len(listed.tools) == 2:
                    break
                await asyncio.sleep(0.05)
        yield ports


def details(error: grpc.aio.AioRpcError) -> tuple[error_details_pb2.ErrorInfo, list[str]]:
    status = status_from_rpc_error(error)
    info = error_info(status)
    assert info is not None
    fields = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return info, fields


async def test_route_validate_and_fail_with_details() -> None:
    async with tools_mesh() as ports, channel_to(ports.router) as channel:
        stub = router_grpc.TaskRouterServiceStub(channel)
        reply = await stub.RouteTask(
            router_pb2.RouteTaskRequest(
                name="tools/currency.convert",
                arguments=to_struct({"amount": 50, "from": "EUR", "to": "USD"}),
            )
        )
        assert reply.provider_service == "tripmesh-budget"
        assert reply.provider_endpoint == f"127.0.0.1:{ports.budget}"
        assert reply.attempts == 1
        assert reply.result["currency"] == "USD"

        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.RouteTask(
                router_pb2.RouteTaskRequest(
                    name="tools/currency.convert",
                    arguments=to_struct({"amount": 50, "from": "EUR"}),
                )
            )
        assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        info, fields = details(invalid.value)
        assert (info.reason, info.domain) == ("INVALID_TOOL_ARGUMENTS", "tripmesh-task-router")
        assert info.metadata["path"] == "$.to"
        assert fields == ["arguments.to"]

        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await stub.RouteTask(
                router_pb2.RouteTaskRequest(name="tools/no.such", arguments=to_struct({}))
            )
        assert unknown.value.code() is grpc.StatusCode.NOT_FOUND

        with pytest.raises(grpc.aio.AioRpcError) as provider_side:  # the provider's own check
            await stub.RouteTask(
                router_pb2.RouteTaskRequest(
                    name="tools/currency.convert",
                    arguments=to_struct({"amount": 1, "from": "XXX", "to": "EUR"}),
                )
            )
        info, fields = details(provider_side.value)
        assert (info.reason, info.domain) == ("UNSUPPORTED_CURRENCY", "tripmesh-budget")
        assert fields == ["arguments.from"]


async def test_tool_client_returns_results_and_typed_errors() -> None:
    async with tools_mesh() as ports, channel_to(ports.router) as channel:

        class Client:
            stub = router_grpc.TaskRouterServiceStub(channel)

        tools = ToolClient(Client())  # type: ignore[arg-type]
        costs = await tools.call("cost.daily_estimate", {"country": "PT", "currency": "EUR"})
        assert costs["country_code"] == "PT"
        with pytest.raises(InvalidArgument) as invalid:
            await tools.call("currency.convert", {"amount": -1, "from": "EUR", "to": "USD"})
        assert invalid.value.metadata["path"] == "$.amount"
        with pytest.raises(NotFound):
            await tools.call("no.such", {})


async def test_agents_serve_tool_service_with_reflection() -> None:
    async with tools_mesh() as ports, channel_to(ports.budget) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = [s.name async for r in responses for s in r.list_services_response.service]
    assert "tripmesh.v1.ToolService" in names
    assert "tripmesh.v1.BudgetService" in names
