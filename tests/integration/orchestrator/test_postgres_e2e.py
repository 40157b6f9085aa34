"""An orchestrator process on PostgreSQL (TRIPMESH_TRIP_STORE=postgres), as production runs it.

Its trips go to a database of their own, created for this module and dropped
after it. Without a reachable PostgreSQL (TRIPMESH_TEST_POSTGRES_URL, default the
local `test` database) the tests skip, saying why.
"""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tripmesh.v1.orchestrator_service_pb2 import GetTripRequest, ListTripsRequest
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import Trip

from services.supervisor import health_status
from tests.integration.orchestrator.conftest import trip_request
from tests.support.infra import missing
from tests.support.inprocess import channel_to
from tests.support.ports import free_port
from tests.support.processes import ROOT, ServiceProcess, base_env

ADMIN_URL = os.environ.get(
    "TRIPMESH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _admin(statement: str) -> None:
    db = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await db.execute(statement)
    finally:
        await db.close()


async def _stored_ids(url: str) -> set[str]:
    db = await asyncpg.connect(url, timeout=5)
    try:
        return {row["id"] for row in await db.fetch("SELECT id FROM trips")}
    finally:
        await db.close()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """The URL of a new database, dropped after the module."""
    name = f"tripmesh_test_{secrets.token_hex(6)}"
    try:
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        missing("PostgreSQL", f"not reachable at {ADMIN_URL}: {exc}")
    try:
        yield urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@dataclass
class Mesh:
    orchestrator: ServiceProcess
    replica: ServiceProcess  # a second orchestrator on the same database
    url: str
    planner: ServiceProcess


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Mesh]:
    root = tmp_path_factory.mktemp("orchestrator-postgres")
    agents = [ServiceProcess(name, base_env(root)) for name in ("planner", "budget", "guide")]
    endpoints = ",".join(f"{agent.name}={agent.address}" for agent in agents)
    orchestrators = [
        ServiceProcess(
            "orchestrator",
            base_env(
                root,
                TRIPMESH_ENDPOINTS=endpoints,
                TRIPMESH_TRIP_STORE="postgres",
                TRIPMESH_DATABASE_URL=database_url,
            ),
        )
        for _ in range(2)
    ]
    everything = [*agents, *orchestrators]
    (root / "logs").mkdir()
    try:
        for process in everything:
            process.start(root / "logs")
        for process in everything:
            process.wait_serving(60)
        yield Mesh(*orchestrators, database_url, agents[0])
    finally:
        started = [p for p in everything if p.process is not None]
        for process in started:  # every drain at once
            if process.process is not None and process.process.poll() is None:
                process.process.send_signal(signal.SIGTERM)
        for process in started:
            process.stop()


async def _plan_get_list(port: int) -> tuple[Trip, Trip, list[Trip]]:
    async with channel_to(port) as channel:
        stub = OrchestratorServiceStub(channel)
        planned: Trip = await stub.PlanTrip(trip_request(requestId="pg-e2e"), timeout=120)
        again: Trip = await stub.GetTrip(GetTripRequest(name=planned.name), timeout=10)
        listed = await stub.ListTrips(ListTripsRequest(page_size=10), timeout=10)
    return planned, again, list(listed.trips)


def test_a_planned_trip_is_stored_in_postgres(mesh: Mesh) -> None:
    planned, again, listed = asyncio.run(_plan_get_list(mesh.orchestrator.port))
    assert again == planned
    assert [trip.name for trip in listed] == [planned.name]
    assert asyncio.run(_stored_ids(mesh.url)) == {planned.name.removeprefix("trips/")}


def _serve_orchestrator(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", "serve", "orchestrator"],
        env=base_env(
            tmp_path,
            TRIPMESH_TRIP_STORE="postgres",
            TRIPMESH_PORT=str(free_port()),
            TRIPMESH_METRICS_PORT=str(free_port()),
            **env,
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("tripmesh:")]
    assert len(lines) == 1, result.stderr
    # First, before anything else: grpc may still print "Exception ignored in Server.__del__"
    # after it, as for any store that fails to open (the runtime does not stop the server).
    assert result.stderr.startswith(lines[0]), result.stderr
    return lines[0]


def test_an_unreachable_database_stops_the_start_in_one_line(tmp_path: Path) -> None:
    # Port 1: nothing listens there, whether or not PostgreSQL runs here.
    url = "postgresql://tripmesh:s3cret@127.0.0.1:1/trips"
    result = _serve_orchestrator(tmp_path, TRIPMESH_DATABASE_URL=url)
    line = _one_line_failure(result)
    assert "TRIPMESH_DATABASE_URL=postgresql://tripmesh:***@127.0.0.1:1/trips" in line
    assert "s3cret" not in result.stdout + result.stderr


def test_a_missing_database_url_stops_the_start_in_one_line(tmp_path: Path) -> None:
    line = _one_line_failure(_serve_orchestrator(tmp_path))
    assert "TRIPMESH_DATABASE_URL" in line


async def _plan_on_both(mesh: Mesh) -> list[Trip]:
    async with channel_to(mesh.orchestrator.port) as one, channel_to(mesh.replica.port) as two:
        request = trip_request(requestId="pg-two-replicas")
        calls = [OrchestratorServiceStub(c).PlanTrip(request, timeout=120) for c in (one, two)]
        return list(await asyncio.gather(*calls))


def _drafts(planner: ServiceProcess) -> float:
    text = httpx.get(f"http://127.0.0.1:{planner.metrics_port}/metrics", timeout=5).text
    prefix = 'grpc_server_started_total{grpc_method="DraftItinerary"'
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix))


def test_one_request_id_sent_to_two_orchestrators_at_once_is_one_trip(mesh: Mesh) -> None:
    before, drafts_before = asyncio.run(_stored_ids(mesh.url)), _drafts(mesh.planner)
    first, second = asyncio.run(_plan_on_both(mesh))
    assert first.name == second.name
    assert asyncio.run(_stored_ids(mesh.url)) - before == {first.name.removeprefix("trips/")}
    # One replica claimed the request id and planned it; the other waited for its trip.
    assert _drafts(mesh.planner) - drafts_before == 1


def _health(process: ServiceProcess) -> str:
    return health_status("127.0.0.1", process.port, 1.0)


def _wait_health(process: ServiceProcess, wanted: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _health(process) != wanted:
        assert time.monotonic() < deadline, f"{wanted} within {timeout} s: {process.log()}"
        time.sleep(0.1)


def test_readiness_follows_the_database(tmp_path: Path, database_url: str) -> None:
    """The trip store is the orchestrator's hard dependency: when its database refuses
    connections, the orchestrator reports NOT_SERVING (Consul and Kubernetes route around
    it); when the database is back, SERVING again, without a restart."""
    name = urlsplit(database_url).path.removeprefix("/")
    orchestrator = ServiceProcess(
        "orchestrator",
        base_env(
            tmp_path,
            TRIPMESH_ENDPOINTS="planner=127.0.0.1:1,budget=127.0.0.1:1,guide=127.0.0.1:1",
            TRIPMESH_TRIP_STORE="postgres",
            TRIPMESH_DATABASE_URL=database_url,
            TRIPMESH_READINESS_INTERVAL="0.2",
        ),
    )
    (tmp_path / "logs").mkdir()
    orchestrator.start(tmp_path / "logs").wait_serving(60)
    try:
        assert _health(orchestrator) == "SERVING"
        asyncio.run(_admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        asyncio.run(_admin(_TERMINATE.format(name=name)))
        _wait_health(orchestrator, "NOT_SERVING", 10)
    finally:
        asyncio.run(_admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
    try:
        _wait_health(orchestrator, "SERVING", 10)
    finally:
        orchestrator.stop()


_TERMINATE = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = '{name}' AND pid <> pg_backend_pid()"
)
