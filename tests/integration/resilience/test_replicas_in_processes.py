"""Real processes: an orchestrator over two planners and two budgets, one of which a
test freezes (SIGSTOP) and another kills (SIGKILL) while trips are planned.

The orchestrator's ejection and readmission counters are read from its /metrics,
as an operator would.
"""

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub

from tests.integration.orchestrator.conftest import trip_request
from tests.support.inprocess import channel_to
from tests.support.processes import ServiceProcess, base_env

CONCURRENCY = 10


@dataclass
class Mesh:
    orchestrator: ServiceProcess
    planners: list[ServiceProcess]
    budgets: list[ServiceProcess]


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mesh]:
    root = tmp_path_factory.mktemp("replicas")
    env = base_env(root, TRIPMESH_LOG_LEVEL="WARNING")
    planners = [ServiceProcess("planner", env) for _ in range(2)]
    budgets = [ServiceProcess("budget", env) for _ in range(2)]
    guide = ServiceProcess("guide", env)
    table = [f"planner={p.address}" for p in planners] + [f"budget={b.address}" for b in budgets]
    orchestrator = ServiceProcess(
        "orchestrator",
        {
            **env,
            "TRIPMESH_ENDPOINTS": ",".join([*table, f"guide={guide.address}"]),
            "TRIPMESH_EJECTION_MAX": "3",  # readmission is tried every few seconds
        },
    )
    everything = [*planners, *budgets, guide, orchestrator]
    (root / "logs").mkdir()
    try:
        for process in everything:
            process.start(root / "logs")
        with ThreadPoolExecutor(len(everything)) as pool:
            list(pool.map(lambda p: p.wait_serving(60), everything))
        outcomes = asyncio.run(plan_trips(orchestrator, 20, concurrency=4))  # warms every replica
        assert outcomes == ["OK"] * 20, orchestrator.log()
        yield Mesh(orchestrator, planners, budgets)
    finally:
        for process in everything:
            if process.process is not None and process.process.poll() is None:
                process.process.send_signal(signal.SIGCONT)
                process.process.send_signal(signal.SIGTERM)
        for process in everything:
            if process.process is not None:
                process.stop()


async def plan_trips(
    orchestrator: ServiceProcess,
    total: int,
    concurrency: int = CONCURRENCY,
) -> list[str]:
    """Plans `total` trips, `concurrency` at a time; the code of each ("OK" or the failure)."""
    outcomes: list[str] = []
    remaining = total
    async with channel_to(orchestrator.port) as channel:
        stub = OrchestratorServiceStub(channel)

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                try:
                    await stub.PlanTrip(trip_request(), timeout=30)
                    outcomes.append("OK")
                except grpc.aio.AioRpcError as exc:
                    outcomes.append(exc.code().name)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes


def counter(process: ServiceProcess, name: str, **labels: str) -> float:
    """The value of a counter of the process's /metrics with these labels (0 when absent)."""
    text = httpx.get(f"http://127.0.0.1:{process.metrics_port}/metrics", timeout=5).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def address(process: ServiceProcess) -> str:
    return f"ipv4:{process.address}"


async def test_a_frozen_planner_is_ejected_and_readmitted_after_sigcont(mesh: Mesh) -> None:
    frozen = mesh.planners[1]
    assert frozen.process is not None
    os.kill(frozen.process.pid, signal.SIGSTOP)
    try:
        outcomes = await plan_trips(mesh.orchestrator, 60)
        assert outcomes == ["OK"] * 60
        ejections = counter(
            mesh.orchestrator, "tripmesh_client_ejections_total", address=address(frozen)
        )
        assert ejections >= 1
    finally:
        os.kill(frozen.process.pid, signal.SIGCONT)
    deadline = time.monotonic() + 40
    readmitted = 0.0
    while not readmitted and time.monotonic() < deadline:
        assert await plan_trips(mesh.orchestrator, 20) == ["OK"] * 20
        readmitted = counter(
            mesh.orchestrator, "tripmesh_client_readmissions_total", address=address(frozen)
        )
    assert readmitted >= 1


async def test_a_budget_killed_under_load_loses_no_trip(mesh: Mesh) -> None:
    killed = mesh.budgets[1]
    assert killed.process is not None

    trips = asyncio.ensure_future(plan_trips(mesh.orchestrator, 150))
    assert await plan_trips(mesh.orchestrator, 10, concurrency=2) == ["OK"] * 10  # load is on
    assert not trips.done()
    killed.process.send_signal(signal.SIGKILL)
    assert await trips == ["OK"] * 150
    assert killed.process.wait(5) == -signal.SIGKILL
    ejections = counter(
        mesh.orchestrator, "tripmesh_client_ejections_total", address=address(killed)
    )
    assert ejections >= 1  # its calls failed, and were retried on the other budget
