"""Retries across replicas stay within the budget when every replica fails every call.

The replicas are plain grpc.aio servers answering UNAVAILABLE with no details, as a
dying process or a proxy would: the kind of failure a client retries.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import pytest
from tripmesh.v1 import planner_service_pb2, planner_service_pb2_grpc

from registry.factory import DiscoveryOptions, create_discovery
from services.runtime.channels import ChannelPool

CALLS = 300


class FailingPlanner(planner_service_pb2_grpc.PlannerServiceServicer):
    def __init__(self) -> None:
        self.attempts = 0

    async def DraftItinerary(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        self.attempts += 1
        await context.abort(grpc.StatusCode.UNAVAILABLE, "going away")


@asynccontextmanager
async def failing_replicas(count: int) -> AsyncIterator[tuple[list[FailingPlanner], str]]:
    servers, planners, addresses = [], [], []
    for _ in range(count):
        server = grpc.aio.server()
        planner = FailingPlanner()
        planner_service_pb2_grpc.add_PlannerServiceServicer_to_server(planner, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        servers.append(server)
        planners.append(planner)
        addresses.append(f"planner=127.0.0.1:{port}")
    try:
        yield planners, ",".join(addresses)
    finally:
        for server in servers:
            await server.stop(0)


async def attempts_per_call(pure: bool) -> float:
    async with failing_replicas(2) as (planners, endpoints):
        discovery = create_discovery(DiscoveryOptions(endpoints=endpoints))
        await discovery.start()
        pool = ChannelPool(discovery)
        stub: Any = pool.client("planner", planner_service_pb2_grpc.PlannerServiceStub, pure=pure)
        try:
            for _ in range(CALLS):
                with pytest.raises(grpc.aio.AioRpcError) as failed:
                    await stub.stub.DraftItinerary(
                        planner_service_pb2.DraftItineraryRequest(), timeout=5
                    )
                assert failed.value.code() is grpc.StatusCode.UNAVAILABLE
        finally:
            await pool.close()
            await discovery.close()
        return sum(p.attempts for p in planners) / CALLS


async def test_a_backend_failing_everything_gets_at_most_1_2_attempts_per_call() -> None:
    ratio = await attempts_per_call(pure=True)
    assert 1.0 < ratio <= 1.2


async def test_a_call_not_safe_to_repeat_is_sent_once() -> None:
    assert await attempts_per_call(pure=False) == 1.0
