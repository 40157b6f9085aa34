"""A mesh of real processes for the tool tests: registry, router, monitor, planner, guide,
two budget instances and an orchestrator, with short TTLs and ejections so that failures
show in seconds."""

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
import pytest
from google.protobuf import json_format
from tripmesh.v1 import task_router_service_pb2 as router_pb2
from tripmesh.v1 import task_router_service_pb2_grpc as router_grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc

from tests.support.processes import ServiceProcess, base_env

TTL = 6.0  # long enough for a killed instance to be ejected before it expires
HEARTBEAT = 0.5
SIX_TOOLS = [
    "tools/cost.daily_estimate",
    "tools/currency.convert",
    "tools/geo.distance",
    "tools/geo.lookup_city",
    "tools/guide.phrases",
    "tools/guide.season",
]
# key -> service name; two budget instances
MEMBERS = {
    "performance-monitor": "performance-monitor",
    "tool-registry": "tool-registry",
    "task-router": "task-router",
    "planner": "planner",
    "budget-a": "budget",
    "budget-b": "budget",
    "guide": "guide",
    "orchestrator": "orchestrator",
}

T = TypeVar("T")


@dataclass
class ToolsMesh:
    log_dir: Path
    env: dict[str, str]
    members: dict[str, ServiceProcess] = field(default_factory=dict)

    def address(self, key: str) -> str:
        return self.members[key].address

    def start(self, key: str, **extra_env: str) -> ServiceProcess:
        """(Re)starts a member on its port, with its own instance id."""
        old = self.members[key]
        env = {**self.env, "TRIPMESH_INSTANCE_ID": key, **extra_env}
        process = ServiceProcess(old.name, env, port=old.port, metrics_port=old.metrics_port)
        self.members[key] = process.start(self.log_dir)
        return process

    def kill(self, key: str) -> None:
        self.members[key].stop(signal.SIGKILL)

    def restart(self, key: str, **extra_env: str) -> None:
        self.members[key].stop()
        self.start(key, **extra_env).wait_serving()

    def router(self) -> "RouterClient":
        return RouterClient(self.address("task-router"))

    def registry(self) -> registry_grpc.ToolRegistryServiceStub:
        return registry_grpc.ToolRegistryServiceStub(
            grpc.insecure_channel(self.address("tool-registry"))
        )

    def metrics(self, key: str) -> str:
        import httpx

        return httpx.get(f"http://127.0.0.1:{self.members[key].metrics_port}/metrics").text

    def stop(self) -> None:
        for process in self.members.values():
            if process.process is not None:
                process.stop()


class RouterClient:
    """RouteTask with JSON arguments, over a sync channel."""

    def __init__(self, address: str) -> None:
        self.channel = grpc.insecure_channel(address)
        self.stub = router_grpc.TaskRouterServiceStub(self.channel)

    def route(
        self, tool: str, arguments: dict[str, Any], timeout: float = 10.0, prefer: str = ""
    ) -> router_pb2.RouteTaskResponse:
        request = router_pb2.RouteTaskRequest(name=f"tools/{tool}")
        request.hints.preferred_instance_id = prefer
        json_format.ParseDict({"arguments": arguments}, request)
        reply: router_pb2.RouteTaskResponse = self.stub.RouteTask(request, timeout=timeout)
        return reply

    def result(self, reply: router_pb2.RouteTaskResponse) -> dict[str, Any]:
        return json_format.MessageToDict(reply.result)


def eventually(
    check: Callable[[], T | None], timeout: float, interval: float = 0.1
) -> tuple[T, float]:
    """Polls `check` until it returns something truthy; returns it and the seconds it took."""
    began = time.monotonic()
    while True:
        value = check()
        if value:
            return value, time.monotonic() - began
        assert time.monotonic() - began < timeout, f"not within {timeout} s"
        time.sleep(interval)


def providers_of(mesh: ToolsMesh) -> dict[str, list[str]]:
    listed = mesh.registry().ListTools(registry_pb2.ListToolsRequest(), timeout=5)
    return {t.name: [p.instance_id for p in t.providers] for t in listed.tools}


def all_provided(mesh: ToolsMesh) -> dict[str, list[str]] | None:
    try:
        providers = providers_of(mesh)
    except grpc.RpcError:
        return None
    ready = sorted(providers) == SIX_TOOLS and all(providers.values())
    budget = providers.get("tools/currency.convert", [])
    return providers if ready and len(budget) == 2 else None


@pytest.fixture(scope="package")
def tools_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ToolsMesh]:
    data_dir = tmp_path_factory.mktemp("tools-mesh")
    members = {key: ServiceProcess(name, {}) for key, name in MEMBERS.items()}
    endpoints = ",".join(f"{p.name}={p.address}" for p in members.values())
    env = base_env(
        data_dir,
        TRIPMESH_ENDPOINTS=endpoints,
        TRIPMESH_TOOL_TTL=str(TTL),
        TRIPMESH_TOOL_HEARTBEAT_INTERVAL=str(HEARTBEAT),
        TRIPMESH_REPORT_INTERVAL="0.2",
        TRIPMESH_ROUTER_EJECTION_BASE="1",
        TRIPMESH_ROUTER_TOOL_CACHE_TTL="0.5",
        TRIPMESH_MONITOR_EVAL_INTERVAL="0.2",
        TRIPMESH_GRACE_PERIOD="2",
    )
    mesh = ToolsMesh(data_dir, env, members)
    try:
        for key in MEMBERS:
            mesh.start(key)
        for process in mesh.members.values():
            process.wait_serving(60)
        # Agents register once their data is loaded: all six provided means all warm.
        eventually(lambda: all_provided(mesh), timeout=90)
        yield mesh
    finally:
        mesh.stop()


API_KEY = "mesh-tools-test-key"
LISBON = {  # a PlanTripRequest as JSON, for MCP's plan_trip and A2A's data parts
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 2,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": "1500"},
}


@pytest.fixture(scope="package")
def gateway(tools_mesh: ToolsMesh) -> Iterator[ServiceProcess]:
    """The gateway in front of the mesh, with an API key (MCP and A2A through it)."""
    env = {**tools_mesh.env, "TRIPMESH_API_KEYS": API_KEY, "TRIPMESH_MCP_POLL_INTERVAL": "0.2"}
    process = ServiceProcess("gateway", env).start(tools_mesh.log_dir)
    try:
        yield process.wait_serving()
    finally:
        process.stop()


def kill_quietly(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
