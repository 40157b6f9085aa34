"""Real processes for the orchestrator's end-to-end tests, started together.

- planner, and budget and guide with TRIPMESH_FAULT_DELAY_MS=300 (so that the
  parallel timing shows), `main`, an orchestrator using them, and a gateway to it;
- `no_guide`: an orchestrator with a guide of its own, which a test kills;
- `no_planner`: an orchestrator whose planner address has nothing listening.
"""

import asyncio
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from google.protobuf import json_format
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import PlanTripRequest

from tests.support.inprocess import channel_to
from tests.support.ports import free_port
from tests.support.processes import ServiceProcess, base_env

FAULT_DELAY_MS = 300
REQUEST: dict[str, Any] = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 4,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": "2000"},
    "interests": ["food", "history"],
}


def trip_request(**changes: Any) -> PlanTripRequest:
    return json_format.ParseDict({**REQUEST, **changes}, PlanTripRequest())


@dataclass
class Processes:
    main: ServiceProcess
    gateway: ServiceProcess
    no_guide: ServiceProcess
    no_guide_guide: ServiceProcess
    no_planner: ServiceProcess


def _endpoints(**addresses: str) -> str:
    return ",".join(f"{name}={address}" for name, address in addresses.items())


async def _warm(port: int, request: PlanTripRequest) -> None:
    """One trip through every agent: their first call loads travel data (seconds, cold)."""
    async with channel_to(port) as channel:
        await OrchestratorServiceStub(channel).PlanTrip(request, timeout=120)


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    root = tmp_path_factory.mktemp("orchestrator-e2e")
    delay = {"TRIPMESH_FAULT_DELAY_MS": str(FAULT_DELAY_MS)}

    def service(name: str, data: str, **extra: str) -> ServiceProcess:
        return ServiceProcess(name, base_env(root / data, **extra))

    planner = service("planner", "agents")
    budget, guide = service("budget", "agents", **delay), service("guide", "agents", **delay)
    own_guide = service("guide", "no-guide")

    def orchestrator(data: str, planner_at: str, guide_at: str) -> ServiceProcess:
        endpoints = _endpoints(planner=planner_at, budget=budget.address, guide=guide_at)
        return service("orchestrator", data, TRIPMESH_ENDPOINTS=endpoints)

    main = orchestrator("main", planner.address, guide.address)
    no_guide = orchestrator("no-guide", planner.address, own_guide.address)
    no_planner = orchestrator("no-planner", f"127.0.0.1:{free_port()}", guide.address)
    gateway = service("gateway", "gateway", TRIPMESH_ENDPOINTS=f"orchestrator={main.address}")
    everything = [planner, budget, guide, own_guide, main, no_guide, no_planner, gateway]
    log_dir = root / "logs"
    log_dir.mkdir()
    try:
        for process in everything:
            process.start(log_dir)
        with ThreadPoolExecutor(len(everything)) as pool:
            list(pool.map(lambda p: p.wait_serving(60), everything))
        try:
            asyncio.run(_warm(main.port, trip_request()))
        except Exception as exc:
            logs = "\n".join(f"--- {p.name}\n{p.log()[-1500:]}" for p in everything[:5])
            raise AssertionError(f"warm-up trip failed: {exc!r}\n{logs}") from exc
        yield Processes(main, gateway, no_guide, own_guide, no_planner)
    finally:
        started = [p for p in everything if p.process is not None]
        for process in started:  # every drain at once, not one after the other
            if process.process is not None and process.process.poll() is None:
                process.process.send_signal(signal.SIGTERM)
        for process in started:
            process.stop()
