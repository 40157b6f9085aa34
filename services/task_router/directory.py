"""The registry's view of a tool, cached briefly so that the registry is not on every call.

A stale entry keeps serving for a while when the registry is unreachable:
routing goes on through a registry restart.
"""

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from services.runtime.errors import NotFound, TripmeshError, Unavailable
from services.task_router.routes import Candidate, ToolRoute
from services.tools.schemas import CompiledSchema
from services.tools.structs import to_dict

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.tool_registry_service_pb2_grpc import ToolRegistryServiceAsyncStub

logger = logging.getLogger(__name__)

RegistryStub = Callable[[], "ToolRegistryServiceAsyncStub"]


class ToolDirectory:
    def __init__(
        self,
        registry: RegistryStub,
        *,
        ttl: float = 1.0,
        stale_for: float = 60.0,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registry = registry
        self._ttl = ttl
        self._stale_for = stale_for
        self._timeout = timeout
        self._clock = clock
        self._cache: dict[str, tuple[float, ToolRoute]] = {}
        self._schemas: dict[str, CompiledSchema] = {}  # by the schema's JSON text
        self._pending: dict[str, asyncio.Future[ToolRoute]] = {}

    async def lookup(self, name: str) -> ToolRoute:
        """The route of a tool ("tools/currency.convert"); NOT_FOUND for an unknown tool."""
        cached = self._cache.get(name)
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        pending = self._pending.get(name)
        if pending is not None:  # one registry call for many concurrent misses
            return await asyncio.shield(pending)
        future: asyncio.Future[ToolRoute] = asyncio.get_running_loop().create_future()
        self._pending[name] = future
        try:
            route = await self._fetch(name, cached)
            future.set_result(route)
            return route
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # marks it retrieved: the waiters, if any, re-raise it
            raise
        finally:
            del self._pending[name]

    async def _fetch(self, name: str, cached: tuple[float, ToolRoute] | None) -> ToolRoute:
        try:
            tool = await self._registry().GetTool(
                registry_pb2.GetToolRequest(name=name), timeout=self._timeout
            )
        except (grpc.aio.AioRpcError, TripmeshError) as exc:
            code = exc.code() if isinstance(exc, grpc.aio.AioRpcError) else exc.code
            if code is grpc.StatusCode.NOT_FOUND:
                self._cache.pop(name, None)
                raise NotFound(
                    f"no tool {name}", reason="TOOL_NOT_FOUND", metadata={"tool": name}
                ) from None
            if code is grpc.StatusCode.INVALID_ARGUMENT:
                raise NotFound(
                    f"{name!r} is not a tool name (tools/{{tool}})",
                    reason="TOOL_NOT_FOUND",
                    metadata={"tool": name},
                ) from None
            if cached is not None and self._clock() - cached[0] < self._stale_for:
                logger.warning("tool registry unreachable (%s): using the cached %s", code, name)
                return cached[1]
            raise Unavailable(
                "the tool registry is unreachable",
                reason="REGISTRY_UNAVAILABLE",
                metadata={"tool": name},
                retry_after=1.0,
            ) from None
        route = ToolRoute(
            name=tool.name,
            version=tool.version,
            input_schema=self._compiled(to_dict(tool.input_schema)),
            providers=_unique_endpoints(tool.providers),
        )
        self._cache[name] = (self._clock(), route)
        return route

    def _compiled(self, schema: dict[str, object]) -> CompiledSchema:
        key = json.dumps(schema, sort_keys=True)
        compiled = self._schemas.get(key)
        if compiled is None:
            compiled = self._schemas[key] = CompiledSchema(schema)
        return compiled


def _unique_endpoints(providers: Iterable[registry_pb2.ToolProvider]) -> tuple[Candidate, ...]:
    """One candidate per endpoint: the most recent registration there.

    An instance that restarted on the same port registers under a new id while
    its old registration waits for the TTL; both are the same process now.
    """
    latest: dict[str, registry_pb2.ToolProvider] = {}
    for provider in providers:
        seen = latest.get(provider.endpoint)
        if (
            seen is None
            or provider.heartbeat_time.ToNanoseconds() > seen.heartbeat_time.ToNanoseconds()
        ):
            latest[provider.endpoint] = provider
    return tuple(
        Candidate(p.service, p.instance_id, p.endpoint)
        for p in sorted(latest.values(), key=lambda p: p.instance_id)
    )
