"""The registrar keeps an instance's tools registered through registry restarts."""

import asyncio
from typing import Any

import grpc
from tripmesh.v1 import tool_registry_service_pb2 as pb

from services.budget.tools import budget_tools
from services.runtime.wellknown import duration
from services.tool_registry.catalog import ToolCatalog
from services.tool_registry.convert import definition_of, provider_of, tool_proto
from services.tools.registration import Provider, ToolRegistrar


class FakeRegistry:
    """The registry's logic behind a stub-shaped object; `down` makes every call fail."""

    def __init__(self) -> None:
        self.catalog = ToolCatalog(ttl=3)
        self.down = False
        self.calls: list[str] = []

    def _check(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.UNAVAILABLE, grpc.aio.Metadata(), grpc.aio.Metadata(), "down"
            )

    async def RegisterTool(self, request: pb.RegisterToolRequest, timeout: float) -> Any:
        self._check("RegisterTool")
        return tool_proto(
            self.catalog.register(definition_of(request.tool), provider_of(request.provider))
        )

    async def Heartbeat(self, request: pb.HeartbeatRequest, timeout: float) -> Any:
        self._check("Heartbeat")
        unknown = self.catalog.heartbeat(request.instance_id, list(request.tool_names))
        return pb.HeartbeatResponse(unknown_tool_names=unknown, ttl=duration(self.catalog.ttl))

    async def DeregisterTool(self, request: pb.DeregisterToolRequest, timeout: float) -> Any:
        self._check("DeregisterTool")
        self.catalog.deregister(request.name, request.instance_id)
        return pb.DeregisterToolResponse()


async def wait_for(condition: Any, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def available(registry: FakeRegistry) -> bool:
    views, _ = registry.catalog.list_tools()
    return len(views) == 2 and all(v.available for v in views)


async def test_registers_heartbeats_reregisters_after_restart_and_deregisters() -> None:
    registry = FakeRegistry()
    registrar = ToolRegistrar(budget_tools(), lambda: registry, interval=0.05, timeout=1.0)  # type: ignore[arg-type, return-value]
    registrar.start(Provider("tripmesh-budget", "b-1", "127.0.0.1:5"))
    await wait_for(lambda: available(registry) and registrar.heartbeats >= 2)

    registry.catalog = ToolCatalog(ttl=3)  # the registry restarted, empty
    await wait_for(lambda: available(registry))

    registry.down = True
    heartbeats = registrar.heartbeats
    await asyncio.sleep(0.2)
    assert registrar.heartbeats == heartbeats
    registry.catalog, registry.down = ToolCatalog(ttl=3), False
    await wait_for(lambda: available(registry), timeout=3.0)

    await registrar.stop()
    views, _ = registry.catalog.list_tools()
    assert not any(v.available for v in views)


async def test_heartbeats_at_least_three_per_ttl() -> None:
    registry = FakeRegistry()
    registry.catalog = ToolCatalog(ttl=0.3)
    registrar = ToolRegistrar(budget_tools(), lambda: registry, interval=10.0, timeout=1.0)  # type: ignore[arg-type, return-value]
    registrar.start(Provider("tripmesh-budget", "b-1", "127.0.0.1:5"))
    await asyncio.sleep(0.5)
    await registrar.stop()
    assert registrar.heartbeats >= 3
