"""The task router: validate the arguments, choose a provider, invoke, fail over once.

    route(name, arguments, hints) -> RouteResult

Candidates are the tool's live providers (registry) that discovery reports
healthy, minus excluded and ejected instances (all of them, when every one is
ejected: a guess beats a certain failure). UNAVAILABLE gets one more try on
another instance within the deadline; nothing else is retried, least of all
INVALID_ARGUMENT or DEADLINE_EXCEEDED.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import struct_pb2
from tripmesh.v1 import tool_service_pb2

from registry import Discovery
from services.runtime import deadlines
from services.runtime.errors import InvalidArgument, Unavailable
from services.runtime.reporting import Execution, Kind, current_trace_id
from services.task_router import metrics
from services.task_router.channels import InstanceChannels
from services.task_router.choice import Chooser
from services.task_router.directory import ToolDirectory
from services.task_router.routes import Candidate, ToolRoute
from services.task_router.stats import INSTANCE_FAULTS, EjectionPolicy, InstanceStats
from services.tools.definition import tool_of
from services.tools.schemas import validate
from services.tools.structs import to_dict

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
MIN_RETRY_BUDGET = 0.05  # seconds: less than this left, a retry could not finish


@dataclass(frozen=True)
class Hints:
    preferred_instance_id: str = ""
    excluded_instance_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RouteResult:
    result: struct_pb2.Struct
    provider: Candidate
    attempts: int


@dataclass
class RouterDeps:
    directory: ToolDirectory
    channels: InstanceChannels
    discovery: Discovery
    chooser: Chooser
    policy: EjectionPolicy
    eject: bool  # outlier ejection (intelligent routing only)
    report: Callable[[Execution], None]
    tau: float = 3.0  # seconds over which unused instances' estimates fade
    clock: Callable[[], float] = time.monotonic
    stats: dict[str, InstanceStats] = field(default_factory=dict)


class TaskRouter:
    def __init__(self, deps: RouterDeps) -> None:
        self._d = deps
        self._ejected: dict[str, str] = {}  # instance id -> endpoint, while ejected
        self._providers: dict[str, dict[str, str]] = {}  # tool -> instance id -> endpoint

    @property
    def stats(self) -> dict[str, InstanceStats]:
        return self._d.stats

    async def route(
        self, name: str, arguments: struct_pb2.Struct, hints: Hints = Hints()
    ) -> RouteResult:
        if tool_of(name) is None:
            raise InvalidArgument(
                f"{name!r} is not a tool name (tools/{{tool}})",
                reason="INVALID_TOOL_NAME",
                field="name",
            )
        route = await self._d.directory.lookup(name)
        self._follow_providers(route)
        validate(
            route.input_schema,
            to_dict(arguments),
            prefix="arguments",
            reason="INVALID_TOOL_ARGUMENTS",
            metadata={"tool": name},
        )
        tried: set[str] = set()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            candidate = self._choose(route, hints, tried)
            try:
                reply = await self._invoke(route.name, candidate, arguments)
            except grpc.aio.AioRpcError as exc:
                tried.add(candidate.instance_id)
                if not self._retryable(exc, attempt) or not self.candidates(route, hints, tried):
                    raise  # the provider's own status, not a made-up one
                metrics.FAILOVERS.labels(name).inc()
                logger.info(
                    "%s: %s on %s, trying another instance",
                    name,
                    exc.code().name,
                    candidate.endpoint,
                )
                continue
            return RouteResult(reply.result, candidate, attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _follow_providers(self, route: ToolRoute) -> None:
        """Forgets instances that no tool lists any more: their statistics and channel go,
        so that pods coming and going leave neither open channels nor stale state."""
        current = {c.instance_id: c.endpoint for c in route.providers}
        previous = self._providers.get(route.name, {})
        self._providers[route.name] = current
        for instance_id, endpoint in previous.items():
            if instance_id in current or any(instance_id in p for p in self._providers.values()):
                continue
            self._d.stats.pop(instance_id, None)
            self._ejected.pop(instance_id, None)
            self._d.channels.reset(endpoint)
            logger.info(
                "%s (%s) left: its statistics and channel are dropped", instance_id, endpoint
            )

    def _retryable(self, exc: grpc.aio.AioRpcError, attempt: int) -> bool:
        if exc.code() is not grpc.StatusCode.UNAVAILABLE or attempt >= MAX_ATTEMPTS:
            return False
        left = deadlines.remaining()
        return left is None or left > MIN_RETRY_BUDGET

    def candidates(self, route: ToolRoute, hints: Hints, tried: set[str]) -> list[Candidate]:
        """The providers this call may go to: live, healthy, not excluded, not tried yet."""
        now = self._d.clock()
        self._release_ejected(now)
        healthy = self._healthy(route.providers)
        usable = [
            c
            for c in healthy
            if c.instance_id not in hints.excluded_instance_ids and c.instance_id not in tried
        ]
        for candidate in usable:
            self._d.stats.setdefault(candidate.instance_id, InstanceStats(self._d.tau, updated=now))
        if self._d.eject:
            live = [c for c in usable if not self._d.stats[c.instance_id].ejected(now)]
            usable = live or usable
        return usable

    def _choose(self, route: ToolRoute, hints: Hints, tried: set[str]) -> Candidate:
        usable = self.candidates(route, hints, tried)
        if not usable:
            raise Unavailable(
                f"no healthy provider of {route.name}",
                reason="NO_HEALTHY_PROVIDER",
                metadata={"tool": route.name, "providers": str(len(route.providers))},
                retry_after=1.0,
            )
        preferred = [c for c in usable if c.instance_id == hints.preferred_instance_id]
        if preferred:
            return preferred[0]
        return self._d.chooser.choose(route.name, usable, self._d.stats, self._d.clock())

    def _healthy(self, providers: Sequence[Candidate]) -> list[Candidate]:
        """Providers at an endpoint that discovery lists for their service."""
        listed: dict[str, set[str]] = {}
        for provider in providers:
            if provider.service not in listed:
                listed[provider.service] = {
                    e.address for e in self._d.discovery.endpoints(provider.service)
                }
        return [p for p in providers if p.endpoint in listed[p.service]]

    async def _invoke(
        self, tool: str, candidate: Candidate, arguments: struct_pb2.Struct
    ) -> tool_service_pb2.InvokeToolResponse:
        stats = self._d.stats[candidate.instance_id]
        stats.inflight += 1
        start, began = time.time(), time.perf_counter()
        code = grpc.StatusCode.OK
        try:
            stub: Any = self._d.channels.stub(candidate.endpoint, candidate.service)
            reply: tool_service_pb2.InvokeToolResponse = await stub.InvokeTool(
                tool_service_pb2.InvokeToolRequest(name=tool, arguments=arguments)
            )
            return reply
        except grpc.aio.AioRpcError as exc:
            code = exc.code()
            raise
        finally:
            stats.inflight -= 1
            elapsed = time.perf_counter() - began
            self._observe(tool, candidate, stats, elapsed, code)
            self._d.report(
                Execution(
                    kind=Kind.EXECUTION_KIND_TOOL,
                    service=candidate.service,
                    tool=tool,
                    instance_id=candidate.instance_id,
                    start=start,
                    duration=elapsed,
                    code=code.name,
                    trace_id=current_trace_id(),
                )
            )

    def _observe(
        self,
        tool: str,
        candidate: Candidate,
        stats: InstanceStats,
        elapsed: float,
        code: grpc.StatusCode,
    ) -> None:
        metrics.CALLS.labels(tool, candidate.service, candidate.instance_id, code.name).inc()
        ejected = stats.observe(self._d.clock(), elapsed, code in INSTANCE_FAULTS, self._d.policy)
        if ejected and self._d.eject:
            self._ejected[candidate.instance_id] = candidate.endpoint
            metrics.EJECTIONS.labels(candidate.instance_id, candidate.endpoint).inc()
            metrics.EJECTED.labels(candidate.instance_id, candidate.endpoint).set(1)
            logger.warning(
                "ejected %s (%s) for %.1f s after %d consecutive failures",
                candidate.instance_id,
                candidate.endpoint,
                stats.ejected_until - self._d.clock(),
                self._d.policy.failures,
            )

    def _release_ejected(self, now: float) -> None:
        """Instances whose ejection ended get a fresh channel and their gauge back to 0."""
        for instance_id in [i for i in self._ejected if not self._d.stats[i].ejected(now)]:
            endpoint = self._ejected.pop(instance_id)
            metrics.EJECTED.labels(instance_id, endpoint).set(0)
            self._d.channels.reset(endpoint)
            logger.info("%s (%s) is back from ejection", instance_id, endpoint)
