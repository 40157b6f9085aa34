"""The orchestrator in real processes with the real agents (offline model)."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import httpx
import pytest
from google.protobuf import json_format
from tripmesh.v1.orchestrator_service_pb2 import GetTripRequest, PlanStage
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import PlanTripRequest, Trip

from services.runtime.errors import error_info, status_from_rpc_error
from tests.integration.orchestrator.conftest import (
    FAULT_DELAY_MS,
    REQUEST,
    Processes,
    trip_request,
)
from tests.support.inprocess import channel_to
from tests.support.processes import ROOT, ServiceProcess, base_env

GRPCURL = str(ROOT / ".venv" / "bin" / "grpcurl")


async def plan(port: int, request: PlanTripRequest, timeout: float = 30) -> Trip:
    async with channel_to(port) as channel:
        trip: Trip = await OrchestratorServiceStub(channel).PlanTrip(request, timeout=timeout)
    return trip


async def get_trip(port: int, name: str) -> Trip:
    async with channel_to(port) as channel:
        trip: Trip = await OrchestratorServiceStub(channel).GetTrip(GetTripRequest(name=name))
    return trip


def test_grpcurl_plan_trip(processes: Processes) -> None:
    result = subprocess.run(
        [
            GRPCURL,
            "-plaintext",
            "-max-time",
            "60",
            "-d",
            json.dumps(REQUEST),
            processes.main.address,
            "tripmesh.v1.OrchestratorService/PlanTrip",
        ],
        capture_output=True,
        text=True,
        timeout=70,
        check=False,
    )
    assert result.returncode == 0, result.stderr + processes.main.log()
    trip = json.loads(result.stdout)
    assert trip["name"].startswith("trips/")
    assert len(trip["itinerary"]["days"]) == 4
    assert trip["estimate"]["total"]["currency_code"] == "EUR"  # grpcurl: proto names
    assert trip["guide"]["tips"]


def tripmesh_plan(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.cli", "plan", "--destination", "Lisbon"]
    command += ["--days", "3", "--travelers", "2", "--budget", "2000 EUR"]
    command += ["--interest", "food", "--interest", "history", *flags]
    return subprocess.run(
        command,
        env=base_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


async def test_tripmesh_plan_grpc_json(processes: Processes, tmp_path: Path) -> None:
    result = tripmesh_plan(
        tmp_path, "--start", "2027-05-01", "--grpc", processes.main.address, "--json"
    )
    assert result.returncode == 0, result.stderr
    printed = json_format.Parse(result.stdout, Trip())
    assert "completed: trip ready" in result.stderr.splitlines()[-1]
    assert len(printed.itinerary.days) == 3
    assert printed == await get_trip(processes.main.port, printed.name)


async def test_tripmesh_plan_through_the_gateway(processes: Processes, tmp_path: Path) -> None:
    gateway = f"http://{processes.gateway.address}"
    result = tripmesh_plan(tmp_path, "--start", "2027-05-01", "--gateway", gateway)
    assert result.returncode == 0, result.stderr
    stages = [line.split("] ")[1].split(":")[0] for line in result.stderr.splitlines()]
    assert stages[0] == "validated"
    assert stages[-2:] == ["stored", "completed"]
    assert "DAY" in result.stdout
    assert "within budget" in result.stdout


def test_tripmesh_plan_shows_a_server_error_in_one_line(
    processes: Processes, tmp_path: Path
) -> None:
    gateway = f"http://{processes.gateway.address}"
    result = tripmesh_plan(tmp_path, "--start", "2020-05-01", "--gateway", gateway)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.endswith("(INVALID_ARGUMENT, START_DATE_IN_PAST)\n")


async def test_the_stream_ends_with_the_stored_trip(processes: Processes) -> None:
    port = processes.main.port
    async with channel_to(port) as channel:
        call = OrchestratorServiceStub(channel).StreamPlanTrip(trip_request(), timeout=60)
        events = [event async for event in call]
    stages = [PlanStage.Name(e.stage).removeprefix("PLAN_STAGE_") for e in events]
    assert stages[:2] == ["VALIDATED", "ITINERARY_DRAFTED"]
    assert stages[-2:] == ["STORED", "COMPLETED"]
    assert {"BUDGET_ESTIMATED", "GUIDE_READY"} <= set(stages)
    assert events[-1].trip == await get_trip(port, events[-1].trip.name)


async def test_a_repeated_request_id_gives_one_trip(processes: Processes) -> None:
    port = processes.main.port
    first = await plan(port, trip_request(requestId="e2e-same-id"))
    again = await plan(port, trip_request(requestId="e2e-same-id"))
    assert again == first


async def test_budget_and_guide_in_parallel(processes: Processes) -> None:
    port = processes.main.port
    roomy = trip_request(budget={"currencyCode": "EUR", "units": "50000"})  # no revisions
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        trip = await plan(port, roomy)
        timings.append(time.perf_counter() - started)
        assert trip.revisions == 0
    figures = ", ".join(f"{t * 1000:.0f}" for t in timings)
    print(f"PlanTrip, budget and guide each delayed {FAULT_DELAY_MS} ms: {figures} ms")
    # One delay, not two: sequential calls could not take less than 600 ms.
    assert FAULT_DELAY_MS / 1000 <= min(timings) < 0.55


async def test_a_killed_guide_gives_a_trip_with_a_warning(processes: Processes) -> None:
    port = processes.no_guide.port
    processes.no_guide_guide.stop(signal.SIGKILL)
    trip = await plan(port, trip_request())
    assert not trip.HasField("guide")
    assert "No local advice: the guide could not answer (UNAVAILABLE)." in trip.warnings
    assert trip == await get_trip(port, trip.name)


async def test_a_planner_down_is_unavailable_with_error_info(processes: Processes) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await plan(processes.no_planner.port, trip_request())
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    info = error_info(status_from_rpc_error(failure.value))
    assert info is not None
    assert info.reason == "UPSTREAM_UNAVAILABLE"
    assert info.domain == "tripmesh-orchestrator"


def _gateway_to(orchestrator: str, tmp_path: Path) -> ServiceProcess:
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = base_env(tmp_path, TRIPMESH_ENDPOINTS=f"orchestrator={orchestrator}")
    return ServiceProcess("gateway", env).start(tmp_path).wait_serving()


def test_over_http_a_planner_down_is_503_and_a_dead_guide_a_warning(
    processes: Processes, tmp_path: Path
) -> None:
    """What an HTTP client of the gateway sees of the two upstream failures."""
    no_planner = _gateway_to(processes.no_planner.address, tmp_path / "a")
    no_guide = _gateway_to(processes.no_guide.address, tmp_path / "b")
    try:
        processes.no_guide_guide.stop(signal.SIGKILL)  # may be dead already: idempotent
        url = f"http://{no_planner.address}/v1/trips:plan"
        failed = httpx.post(url, json=REQUEST, timeout=60)
        assert failed.status_code == 503
        body = failed.json()
        assert body["code"] == grpc.StatusCode.UNAVAILABLE.value[0]
        [info] = [d for d in body["details"] if d["@type"].endswith("google.rpc.ErrorInfo")]
        assert info["reason"] == "UPSTREAM_UNAVAILABLE"

        planned = httpx.post(f"http://{no_guide.address}/v1/trips:plan", json=REQUEST, timeout=60)
        assert planned.status_code == 200, planned.text
        trip = planned.json()
        assert "No local advice: the guide could not answer (UNAVAILABLE)." in trip["warnings"]
        assert trip["itinerary"]["days"]
    finally:
        no_planner.stop()
        no_guide.stop()
