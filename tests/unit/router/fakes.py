"""A router over scripted providers: no network, each endpoint answers as told."""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from tripmesh.v1 import tool_service_pb2

from registry import Endpoint
from registry.static import StaticDiscovery
from services.runtime.reporting import Execution
from services.task_router.choice import PowerOfTwoChoices, RoundRobin
from services.task_router.router import RouterDeps, TaskRouter
from services.task_router.routes import Candidate, ToolRoute
from services.task_router.stats import EjectionPolicy
from services.tools.schemas import CompiledSchema
from services.tools.structs import to_struct

SCHEMA = CompiledSchema(
    {
        "type": "object",
        "properties": {"amount": {"type": "number", "minimum": 0}},
        "required": ["amount"],
    }
)


def rpc_error(code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), code.name)


Behaviour = Callable[[], grpc.StatusCode]  # the code an endpoint answers


class ScriptedStub:
    def __init__(self, endpoint: str, net: "Network") -> None:
        self._endpoint = endpoint
        self._net = net

    async def InvokeTool(self, request: tool_service_pb2.InvokeToolRequest) -> Any:
        self._net.calls.append(self._endpoint)
        if delay := self._net.delays.get(self._endpoint):
            await asyncio.sleep(delay)
        code = self._net.behaviour.get(self._endpoint, lambda: grpc.StatusCode.OK)()
        if code is not grpc.StatusCode.OK:
            raise rpc_error(code)
        return tool_service_pb2.InvokeToolResponse(result=to_struct({"by": self._endpoint}))


@dataclass
class Network:
    behaviour: dict[str, Behaviour] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)

    def stub(self, endpoint: str, service: str) -> ScriptedStub:
        return ScriptedStub(endpoint, self)

    def reset(self, endpoint: str) -> None:
        self.resets.append(endpoint)


class FakeDirectory:
    def __init__(self, route: ToolRoute) -> None:
        self.route = route
        self.lookups = 0

    async def lookup(self, name: str) -> ToolRoute:
        self.lookups += 1
        return self.route


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


PROVIDERS = tuple(Candidate("tripmesh-budget", f"b{n}", f"127.0.0.1:{7000 + n}") for n in range(2))


@dataclass
class Harness:
    router: TaskRouter
    net: Network
    clock: Clock
    reports: list[Execution]
    directory: FakeDirectory


def harness(
    *,
    intelligent: bool = True,
    providers: tuple[Candidate, ...] = PROVIDERS,
    healthy: tuple[Candidate, ...] | None = None,
) -> Harness:
    listed = providers if healthy is None else healthy
    discovery = StaticDiscovery(
        {
            "tripmesh-budget": [
                Endpoint(*c.endpoint.split(":")[0:1], int(c.endpoint.split(":")[1])) for c in listed
            ]
        }
    )
    net, clock, reports = Network(), Clock(), []
    directory = FakeDirectory(ToolRoute("tools/currency.convert", "1", SCHEMA, providers))
    deps = RouterDeps(
        directory=directory,  # type: ignore[arg-type]
        channels=net,  # type: ignore[arg-type]
        discovery=discovery,
        chooser=PowerOfTwoChoices(random.Random(1)) if intelligent else RoundRobin(),
        policy=EjectionPolicy(failures=5, base=10.0, maximum=60.0),
        eject=intelligent,
        report=reports.append,
        clock=clock,
    )
    return Harness(TaskRouter(deps), net, clock, reports, directory)
