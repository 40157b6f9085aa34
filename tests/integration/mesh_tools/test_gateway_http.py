"""The tools and the monitor over HTTP through the gateway, on the whole offline mesh
(`tripmesh up`): GET /v1/tools, POST /v1/tools/{tool}:invoke, GET /v1/stats, and the
gateway's own execution at the head of a trip's waterfall."""

import json
import time
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from tripmesh.v1 import performance_monitor_service_pb2 as pm_pb2
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc

from tests.integration.mesh_tools.conftest import SIX_TOOLS, eventually
from tests.support.monitor_records import model_calls_in_window, record_model_calls
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow

INVOKE = {
    "geo.lookup_city": {"name": "Porto"},
    "geo.distance": {"from": "Madrid", "to": "Barcelona"},
    "currency.convert": {"amount": 99.5, "from": "USD", "to": "CHF"},
    "cost.daily_estimate": {"country": "Thailand", "style": "budget", "currency": "EUR"},
    "guide.season": {"place": "Reykjavik", "month": 12},
    "guide.phrases": {"language": "de"},
}
PLAN = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 2,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": 1500},
    "interests": ["food"],
}


@pytest.fixture
def client(mesh: MeshProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.gateway_url, timeout=60) as http:
        yield http


def listed_tools(client: httpx.Client) -> list[dict[str, Any]] | None:
    response = client.get("/v1/tools")
    tools: list[dict[str, Any]] = response.json().get("tools", []) if response.is_success else []
    ready = [t["name"] for t in tools if t["available"]] == SIX_TOOLS
    return tools if ready else None


def test_the_six_tools_are_listed_with_schemas(client: httpx.Client) -> None:
    tools, _ = eventually(lambda: listed_tools(client), timeout=60, interval=0.5)
    for tool in tools:
        assert tool["inputSchema"]["type"] == "object"
        assert tool["outputSchema"]["type"] == "object"
        assert tool["providers"][0]["endpoint"]
    one = client.get("/v1/tools/currency.convert")
    assert one.status_code == 200
    assert one.json()["inputSchema"]["required"] == ["amount", "from", "to"]
    money = client.get("/v1/tools", params={"tag": "money"}).json()["tools"]
    assert [t["name"] for t in money] == ["tools/cost.daily_estimate", "tools/currency.convert"]


@pytest.mark.parametrize("tool", sorted(INVOKE))
def test_each_tool_is_invoked_over_http(client: httpx.Client, tool: str) -> None:
    eventually(lambda: listed_tools(client), timeout=60, interval=0.5)
    response = client.post(f"/v1/tools/{tool}:invoke", json={"arguments": INVOKE[tool]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"]
    assert body["attempts"] == 1
    assert body["providerService"].startswith("tripmesh-")


def test_invalid_arguments_are_400_with_the_path(client: httpx.Client) -> None:
    response = client.post(
        "/v1/tools/currency.convert:invoke",
        json={"arguments": {"amount": "ten", "from": "EUR", "to": "USD"}},
    )
    assert response.status_code == 400, response.text
    text = response.text
    assert "$.amount" in text
    assert "arguments.amount" in text
    assert "INVALID_TOOL_ARGUMENTS" in text


def test_unknown_tool_is_404(client: httpx.Client) -> None:
    response = client.post("/v1/tools/weather.forecast:invoke", json={"arguments": {}})
    assert response.status_code == 404, response.text
    assert "TOOL_NOT_FOUND" in response.text


def plan_trip_stats(client: httpx.Client) -> dict[str, Any] | None:
    stats = client.get(
        "/v1/stats",
        params={"window": "STATS_WINDOW_FIVE_MINUTES", "service": "tripmesh-orchestrator"},
    ).json()
    return next(
        (
            s
            for s in stats.get("stats", [])
            if s["subject"] == "/tripmesh.v1.OrchestratorService/PlanTrip"
        ),
        None,
    )


def seconds(duration: str) -> float:
    return float(duration.rstrip("s"))


def test_stats_count_the_trips_planned_with_plausible_percentiles(client: httpx.Client) -> None:
    before = plan_trip_stats(client)
    count_before = int(before["count"]) if before else 0
    trips = 3
    durations = []
    for _ in range(trips):
        began = time.perf_counter()
        response = client.post("/v1/trips:plan", json=PLAN)
        durations.append(time.perf_counter() - began)
        assert response.status_code == 200, response.text

    def counted() -> dict[str, Any] | None:
        stats = plan_trip_stats(client)
        return stats if stats and int(stats["count"]) >= count_before + trips else None

    stats, _ = eventually(counted, timeout=15, interval=0.2)
    assert int(stats["count"]) == count_before + trips
    p50, p95, p99 = (seconds(stats[p]) for p in ("p50", "p95", "p99"))
    assert 0 < p50 <= p95 <= p99
    if count_before == 0:  # only our trips: the server's times sit under the client's
        assert p99 <= max(durations) * 1.1
        assert stats["errorCount"] == "0"


PLAN_TRIP = "/tripmesh.v1.OrchestratorService/PlanTrip"


def test_a_trip_planned_over_http_has_the_gateway_at_the_head_of_its_waterfall(
    client: httpx.Client, mesh: MeshProcess
) -> None:
    response = client.post("/v1/trips:plan", json=PLAN)
    assert response.status_code == 200, response.text
    trace_id = response.json()["traceId"]
    monitor = pm_grpc.PerformanceMonitorServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{mesh.port('performance-monitor')}")
    )

    def waterfall() -> list[pm_pb2.ExecutionRecord] | None:
        request = pm_pb2.ListExecutionsRequest(trace_id=trace_id)
        executions = list(monitor.ListExecutions(request, timeout=5).executions)
        services = {e.service for e in executions}
        arrived = "tripmesh-gateway" in services and any(e.method == PLAN_TRIP for e in executions)
        return executions if arrived else None

    # each process sends its records in batches, once a second
    executions, _ = eventually(waterfall, timeout=20, interval=0.2)
    (gateway,) = [e for e in executions if e.service == "tripmesh-gateway"]
    (plan,) = [e for e in executions if e.method == PLAN_TRIP]
    assert (gateway.method, gateway.code, gateway.kind) == (
        "POST /v1/trips:plan",
        "OK",
        pm_pb2.EXECUTION_KIND_RPC,
    )
    assert gateway.trace_id == trace_id
    assert gateway.instance_id.endswith(f":{mesh.port('gateway')}")  # host:port, as registered
    assert executions[0] == gateway  # the waterfall's first row (in start order)
    # it encloses the orchestrator's call: starts no later, lasts at least as long
    assert gateway.start_time.ToNanoseconds() <= plan.start_time.ToNanoseconds()
    assert gateway.duration.ToNanoseconds() >= plan.duration.ToNanoseconds()


def test_alerts_list_and_watch_over_http(client: httpx.Client, mesh: MeshProcess) -> None:
    assert "alerts" in client.get("/v1/alerts").json()
    monitor = pm_grpc.PerformanceMonitorServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{mesh.port('performance-monitor')}")
    )
    # The shared mesh's own trips are model calls (offline) in the rule's 5-minute window:
    # fail at least as many as there are, so the rate is at least a half whatever ran before.
    earlier = model_calls_in_window(monitor)
    failures = max(10, earlier)
    changes: list[dict[str, Any]] = []  # NDJSON: one {"result": WatchAlertsResponse} a line
    with client.stream("GET", "/v1/alerts:watch", timeout=30) as stream:
        lines = stream.iter_lines()
        record_model_calls(monitor, "UNAVAILABLE", failures)
        while not changes or changes[-1]["state"] != "ALERT_STATE_FIRING":
            changes.append(json.loads(next(lines))["result"]["alert"])
        record_model_calls(monitor, "OK", 5 * (earlier + failures))
        while changes[-1]["state"] != "ALERT_STATE_RESOLVED":
            changes.append(json.loads(next(lines))["result"]["alert"])
    assert changes[-1]["name"] == "alerts/model_failure_rate"
    history = client.get("/v1/alerts", params={"includeResolved": "true"}).json()["alerts"]
    assert any(a["name"] == "alerts/model_failure_rate" for a in history)
