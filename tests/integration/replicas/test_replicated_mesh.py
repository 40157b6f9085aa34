"""A mesh with two of each shared-state service (registry, router, monitor, gateway) on a
private Redis, reached by the clients' round robin: replicas agree, a replica killed
loses nothing, and neither a monitor outage nor a Redis outage takes trips down.

The tests share one mesh and run in file order, each leaving it a little more broken.
"""

from collections.abc import Iterator

import grpc
import httpx
import pytest
import redis
from tripmesh.v1 import performance_monitor_service_pb2 as monitor_pb2
from tripmesh.v1 import performance_monitor_service_pb2_grpc as monitor_grpc
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc

from tests.integration.gateway.test_mesh_end_to_end import PLAN
from tests.integration.mesh_tools.conftest import SIX_TOOLS, RouterClient, ToolsMesh, eventually
from tests.support.processes import ServiceProcess, base_env
from tests.support.redis_state import PrivateRedis

# Twelve processes start on a shared 2-core machine: the setup alone may take minutes.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

MEMBERS = {
    "registry-a": "tool-registry",
    "registry-b": "tool-registry",
    "router-a": "task-router",
    "router-b": "task-router",
    "monitor-a": "performance-monitor",
    "monitor-b": "performance-monitor",
    "planner": "planner",
    "budget": "budget",
    "guide": "guide",
    "orchestrator": "orchestrator",
    "gateway-a": "gateway",
    "gateway-b": "gateway",
}
PLAN_TRIP = "/tripmesh.v1.OrchestratorService/PlanTrip"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mesh(
    redis_server: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ToolsMesh]:
    data_dir = tmp_path_factory.mktemp("replicated-mesh")
    members = {key: ServiceProcess(name, {}) for key, name in MEMBERS.items()}
    env = base_env(
        data_dir,
        TRIPMESH_ENDPOINTS=",".join(f"{p.name}={p.address}" for p in members.values()),
        TRIPMESH_STATE_URL=redis_server.url,
        TRIPMESH_STATE_TIMEOUT="1",
        TRIPMESH_STATE_REST="0.5",
        TRIPMESH_RATE_LIMIT="1000",
        TRIPMESH_TOOL_TTL="3",
        TRIPMESH_TOOL_HEARTBEAT_INTERVAL="0.5",
        TRIPMESH_REPORT_INTERVAL="0.2",
        TRIPMESH_ROUTER_TOOL_CACHE_TTL="0.5",
        TRIPMESH_MONITOR_EVAL_INTERVAL="0.2",
        TRIPMESH_GRACE_PERIOD="2",
    )
    running = ToolsMesh(data_dir, env, members)
    try:
        for key in MEMBERS:
            running.start(key)
        for process in running.members.values():
            process.wait_serving(180)
        eventually(lambda: provided(registry(running, "registry-b")), timeout=90)
        yield running
    finally:
        running.stop()


def registry(mesh: ToolsMesh, key: str) -> registry_grpc.ToolRegistryServiceStub:
    return registry_grpc.ToolRegistryServiceStub(grpc.insecure_channel(mesh.address(key)))


def provided(stub: registry_grpc.ToolRegistryServiceStub) -> dict[str, int] | None:
    """Tool name -> providers, once the agents' six tools all have one."""
    try:
        listed = stub.ListTools(registry_pb2.ListToolsRequest(), timeout=5)
    except grpc.RpcError:
        return None
    providers = {t.name: len(t.providers) for t in listed.tools}
    return providers if all(providers.get(name) for name in SIX_TOOLS) else None


def plan(mesh: ToolsMesh, gateway: str) -> int:
    url = f"http://{mesh.address(gateway)}/v1/trips:plan"
    return httpx.post(url, json=PLAN, timeout=60).status_code


def test_a_tool_registered_on_one_registry_is_found_and_routed_everywhere(mesh: ToolsMesh) -> None:
    tool = registry_pb2.Tool(name="tools/test.echo", version="1", description="test tool")
    tool.input_schema.update({"type": "object"})
    tool.output_schema.update({"type": "object"})
    provider = registry_pb2.ToolProvider(
        service="tripmesh-budget", instance_id="echo-1", endpoint=mesh.address("budget")
    )
    request = registry_pb2.RegisterToolRequest(tool=tool, provider=provider)
    registry(mesh, "registry-a").RegisterTool(request, timeout=5)
    found = registry(mesh, "registry-b").GetTool(registry_pb2.GetToolRequest(name=tool.name))
    assert [p.instance_id for p in found.providers] == ["echo-1"]

    arguments = {"from": "Madrid", "to": "Barcelona"}
    for router in ("router-a", "router-b"):
        for _ in range(4):  # over both registries, through the routers' round robin
            assert RouterClient(mesh.address(router)).route("geo.distance", arguments).result

    mesh.kill("registry-a")
    survivor = registry(mesh, "registry-b")
    assert survivor.GetTool(registry_pb2.GetToolRequest(name=tool.name), timeout=5).name
    assert provided(survivor) is not None
    for router in ("router-a", "router-b"):
        assert RouterClient(mesh.address(router)).route("geo.distance", arguments).result


def trips_seen(mesh: ToolsMesh, key: str) -> int:
    stub = monitor_grpc.PerformanceMonitorServiceStub(grpc.insecure_channel(mesh.address(key)))
    request = monitor_pb2.GetStatsRequest(
        window=monitor_pb2.STATS_WINDOW_FIVE_MINUTES, service="tripmesh-orchestrator"
    )
    stats = stub.GetStats(request, timeout=5).stats
    return sum(s.count for s in stats if s.subject == PLAN_TRIP)


def test_both_monitors_count_every_trip_and_the_edge_outlives_them(mesh: ToolsMesh) -> None:
    assert [plan(mesh, g) for g in ("gateway-a", "gateway-b", "gateway-a", "gateway-b")] == [
        200
    ] * 4
    eventually(lambda: trips_seen(mesh, "monitor-a") >= 4, timeout=20)
    assert trips_seen(mesh, "monitor-a") == trips_seen(mesh, "monitor-b")

    mesh.kill("monitor-a")
    mesh.kill("monitor-b")
    for gateway in ("gateway-a", "gateway-b"):
        ready = httpx.get(f"http://{mesh.address(gateway)}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert "tripmesh-performance-monitor" in ready.json()["degraded"]
        assert plan(mesh, gateway) == 200


def test_redis_stopped_mid_run_then_back(mesh: ToolsMesh, redis_server: PrivateRedis) -> None:
    redis_server.stop()
    assert [plan(mesh, g) for g in ("gateway-a", "gateway-b")] == [200, 200]  # limits open
    assert "shared state failed" in mesh.members["gateway-a"].log()
    survivor = registry(mesh, "registry-b")
    assert provided(survivor) is not None  # the last known catalogue

    redis_server.start()  # empty: it kept nothing
    # The agents' heartbeats learn their tools are unknown and register them again.
    with redis.Redis.from_url(redis_server.url, decode_responses=True) as state:
        eventually(lambda: state.hlen("tripmesh:registry:providers") >= len(SIX_TOOLS), 30)
    assert provided(survivor) is not None
    assert [plan(mesh, g) for g in ("gateway-a", "gateway-b")] == [200, 200]
