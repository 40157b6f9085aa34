"""Keeps an instance's tools registered: register at start, heartbeat, register again
when the registry forgets (it restarted, or our heartbeats were late), deregister on stop."""

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from services.runtime.errors import TripmeshError
from services.tools.definition import ToolSpec

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.tool_registry_service_pb2_grpc import ToolRegistryServiceAsyncStub

logger = logging.getLogger(__name__)

RegistryStub = Callable[[], "ToolRegistryServiceAsyncStub"]


@dataclass(frozen=True)
class Provider:
    """This instance as the registry lists it."""

    service: str  # "tripmesh-budget"
    instance_id: str
    endpoint: str  # "host:port" of its ToolService

    def to_proto(self) -> registry_pb2.ToolProvider:
        return registry_pb2.ToolProvider(
            service=self.service, instance_id=self.instance_id, endpoint=self.endpoint
        )


class ToolRegistrar:
    """The background loop that keeps `tools` registered for `provider`."""

    def __init__(
        self,
        tools: Sequence[ToolSpec],
        registry: RegistryStub,
        *,
        interval: float,
        timeout: float,
    ) -> None:
        self._tools = {tool.resource_name: tool for tool in tools}
        self._registry = registry
        self._interval = interval
        self._timeout = timeout
        self._registered: set[str] = set()
        self._provider: Provider | None = None
        self._task: asyncio.Task[None] | None = None
        self.heartbeats = 0  # successful ones; tests and logs read it
        self._unreachable = False

    @property
    def registered(self) -> frozenset[str]:
        return frozenset(self._registered)

    def start(self, provider: Provider) -> None:
        self._provider = provider
        self._task = asyncio.get_running_loop().create_task(self._run(), name="tool-registrar")

    async def stop(self) -> None:
        """Stops the loop and withdraws the registrations (best effort: the TTL is the backstop)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._provider is None:
            return
        await asyncio.gather(*(self._deregister(name) for name in list(self._registered)))

    async def _warm_up(self) -> None:
        began = time.perf_counter()
        for warm_up in dict.fromkeys(t.warm_up for t in self._tools.values() if t.warm_up):
            try:
                await asyncio.to_thread(warm_up)
            except Exception:  # the tool will load on its first call instead
                logger.exception("warming up tools failed")
        logger.info("tools warm in %.1f s", time.perf_counter() - began)

    async def _run(self) -> None:
        await self._warm_up()
        delay = self._interval
        while True:
            try:
                delay = await self._tick()
            except (grpc.aio.AioRpcError, TripmeshError) as exc:
                # The registry is away: keep trying quickly, so that we are back soon after it.
                if not self._unreachable:  # once per outage, not every retry
                    logger.warning("tool registry unreachable: %s", _describe(exc))
                self._unreachable = True
                self._registered.clear()
                delay = min(self._interval, 1.0)
            except Exception:
                logger.exception("tool registration failed")
                delay = self._interval
            await asyncio.sleep(delay)

    async def _tick(self) -> float:
        """Registers what is missing, else heartbeats; returns the delay to the next tick."""
        missing = [name for name in self._tools if name not in self._registered]
        for name in missing:
            await self._register(name)
        if missing:
            logger.info("registered tools %s", ", ".join(sorted(missing)))
        return await self._heartbeat()

    async def _register(self, name: str) -> None:
        assert self._provider is not None
        request = registry_pb2.RegisterToolRequest(
            tool=self._tools[name].to_proto(), provider=self._provider.to_proto()
        )
        await self._registry().RegisterTool(request, timeout=self._timeout)
        self._registered.add(name)

    async def _heartbeat(self) -> float:
        assert self._provider is not None
        reply = await self._registry().Heartbeat(
            registry_pb2.HeartbeatRequest(
                instance_id=self._provider.instance_id, tool_names=sorted(self._registered)
            ),
            timeout=self._timeout,
        )
        self.heartbeats += 1
        self._unreachable = False
        if reply.unknown_tool_names:
            logger.info("the registry forgot %s: registering again", list(reply.unknown_tool_names))
            self._registered.difference_update(reply.unknown_tool_names)
            return 0.0
        ttl = reply.ttl.ToTimedelta().total_seconds()
        # At least three heartbeats per TTL, so that one lost heartbeat never drops us.
        return min(self._interval, ttl / 3) if ttl > 0 else self._interval

    async def _deregister(self, name: str) -> None:
        assert self._provider is not None
        try:
            await self._registry().DeregisterTool(
                registry_pb2.DeregisterToolRequest(
                    name=name, instance_id=self._provider.instance_id
                ),
                timeout=self._timeout,
            )
            self._registered.discard(name)
        except (grpc.aio.AioRpcError, TripmeshError) as exc:
            logger.warning("could not deregister %s: %s", name, _describe(exc))


def _describe(exc: Exception) -> str:
    if isinstance(exc, grpc.aio.AioRpcError):
        return f"{exc.code().name}: {exc.details()}"
    return str(exc)
