"""The gateway in front of a whole offline mesh (`tripmesh up`): trips over HTTP, streams,
readiness, and schemathesis against the gateway's own OpenAPI."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.gateway.test_streaming import sse_events
from tests.support.processes import MeshProcess, ServiceProcess, base_env

pytestmark = pytest.mark.slow

PLAN = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 4,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": 2000},
    "interests": ["food", "history"],
}


@pytest.fixture
def client(mesh: MeshProcess) -> Any:
    with httpx.Client(base_url=mesh.gateway_url, timeout=30) as http:
        yield http


def test_readyz_when_every_upstream_serves(client: httpx.Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["notServing"] == []
    assert len(response.json()["upstreams"]) == 7


def test_plan_then_get_then_list(client: httpx.Client) -> None:
    response = client.post("/v1/trips:plan", json=PLAN)
    assert response.status_code == 200, response.text
    trip = response.json()
    assert trip["name"].startswith("trips/")
    assert trip["request"]["budget"] == {"currencyCode": "EUR", "units": "2000", "nanos": 0}
    assert len(trip["itinerary"]["days"]) == 4
    assert trip["itinerary"]["days"][0]["date"] == "2027-05-01"
    assert trip["estimate"]["total"]["currencyCode"] == "EUR"

    fetched = client.get(f"/v1/{trip['name']}")
    assert fetched.status_code == 200
    assert fetched.json() == trip

    listed = client.get("/v1/trips", params={"pageSize": 100}).json()
    assert trip["name"] in [t["name"] for t in listed["trips"]]


def test_delete_a_trip_then_it_is_gone(client: httpx.Client) -> None:
    trip = client.post("/v1/trips:plan", json=PLAN).json()
    deleted = client.delete(f"/v1/{trip['name']}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {}
    assert client.get(f"/v1/{trip['name']}").status_code == 404
    again = client.delete(f"/v1/{trip['name']}")
    assert again.status_code == 404
    assert again.json()["details"][0]["reason"] == "TRIP_NOT_FOUND"


def _check_stages(stages: list[str]) -> None:
    assert stages[0] == "PLAN_STAGE_VALIDATED"
    assert stages[1] == "PLAN_STAGE_ITINERARY_DRAFTED"
    assert {"PLAN_STAGE_BUDGET_ESTIMATED", "PLAN_STAGE_GUIDE_READY"} <= set(stages)
    assert stages[-2:] == ["PLAN_STAGE_STORED", "PLAN_STAGE_COMPLETED"]


def test_sse_stream_ends_with_the_stored_trip(client: httpx.Client) -> None:
    response = client.post("/v1/trips:stream", json=PLAN, headers={"accept": "text/event-stream"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/event-stream"
    events = sse_events(response.text)
    assert all(kind == "message" for kind, _ in events)
    _check_stages([data["stage"] for _, data in events])
    final = events[-1][1]["trip"]
    assert client.get(f"/v1/{final['name']}").json() == final


def test_ndjson_stream_ends_with_the_stored_trip(client: httpx.Client) -> None:
    response = client.post("/v1/trips:stream", json=PLAN)
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert all(set(line) == {"result"} for line in lines), lines[-1]
    _check_stages([line["result"]["stage"] for line in lines])
    final = lines[-1]["result"]["trip"]
    assert client.get(f"/v1/{final['name']}").json() == final


def test_schemathesis_finds_no_server_error_and_no_schema_break(
    mesh: MeshProcess, tmp_path: Path
) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{mesh.gateway_url}/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance,status_code_conformance,"
        "content_type_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        "10",
        "--seed",
        "20261123",
        "--no-shrink",
        "--request-timeout",
        "30",
        # An endless watch: it ends only at its deadline, tested on its own elsewhere.
        "--exclude-operation-id",
        "PerformanceMonitorService_WatchAlerts",
        "--report-dir",
        str(tmp_path),
    ]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=240, check=False, cwd=tmp_path
    )  # in tmp_path: schemathesis keeps a cache of failures in its working directory
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_gateway_process_with_keys(mesh: MeshProcess, tmp_path: Path) -> None:
    env = base_env(tmp_path, TRIPMESH_ENDPOINTS=mesh.endpoints(), TRIPMESH_API_KEYS="k1,k2")
    gateway = ServiceProcess("gateway", env).start(tmp_path).wait_serving()
    try:
        url = f"http://{gateway.address}"
        assert httpx.get(f"{url}/v1/trips").status_code == 401
        assert httpx.get(f"{url}/v1/trips", headers={"x-api-key": "nope"}).status_code == 403
        ok = httpx.get(f"{url}/v1/trips", headers={"authorization": "Bearer k2"})
        assert ok.status_code == 200
        assert httpx.get(f"{url}/readyz").status_code == 200
    finally:
        assert gateway.stop() == 0


def test_gateway_process_without_keys_refuses_a_public_address(
    mesh: MeshProcess, tmp_path: Path
) -> None:
    env = base_env(tmp_path, TRIPMESH_ENDPOINTS=mesh.endpoints(), TRIPMESH_HOST="0.0.0.0")
    gateway = ServiceProcess("gateway", env).start(tmp_path).wait_serving()
    try:
        assert gateway.log_path is not None  # the whole log: log() keeps its last 3,000 chars
        assert "refusing to bind 0.0.0.0" in gateway.log_path.read_text()
        assert f"127.0.0.1:{gateway.port}" in _listening(gateway.port)
    finally:
        assert gateway.stop() == 0


def _listening(port: int) -> str:
    """ "host:port" of the IPv4 sockets listening on `port` (from /proc/net/tcp)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            octets = [str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)]
            found.append(f"{'.'.join(octets)}:{port}")
    return " ".join(found)
