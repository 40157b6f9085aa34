"""Data at rest: the data directory 0700 and its files 0600 (trips, WAL, logs, audit log),
and trips past their retention purged by a real orchestrator."""

import asyncio
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from tripmesh.v1 import orchestrator_service_pb2, orchestrator_service_pb2_grpc

from services.orchestrator.sqlite_store import SqliteTripStore
from tests.support.processes import MeshProcess, ServiceProcess, base_env
from tests.unit.orchestrator.test_sqlite_store import make_trip, trip_id


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_the_mesh_keeps_its_data_private(mesh: MeshProcess) -> None:
    data_dir = Path(mesh.env["TRIPMESH_DATA_DIR"])
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"trips.sqlite3", "trips.sqlite3-wal", "orchestrator.log", "audit.log"} <= names
    assert {str(p): _mode(p) for p in files if p.name != "up.log"} == {
        str(p): 0o600
        for p in files
        if p.name != "up.log"  # up.log: the test's own file
    }
    directories = [data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())]
    assert {str(p): _mode(p) for p in directories} == {str(p): 0o700 for p in directories}


async def _store_trips(path: Path, created: list[datetime]) -> list[str]:
    store = SqliteTripStore(path)
    await store.open()
    try:
        return [trip_id(await store.put(make_trip(created=c), dedupe_since=c)) for c in created]
    finally:
        await store.close()


def _get_trip(port: int, trip: str) -> grpc.StatusCode:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = orchestrator_service_pb2_grpc.OrchestratorServiceStub(channel)
        try:
            stub.GetTrip(orchestrator_service_pb2.GetTripRequest(name=f"trips/{trip}"), timeout=5)
        except grpc.RpcError as error:
            return error.code()  # type: ignore[no-any-return,attr-defined]
    return grpc.StatusCode.OK


def test_an_orchestrator_purges_trips_past_retention_and_tightens_modes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    now = datetime.now(UTC)
    old, recent = asyncio.run(
        _store_trips(data_dir / "trips.sqlite3", [now - timedelta(days=31), now])
    )
    data_dir.chmod(0o755)  # as an older tripmesh left them
    (data_dir / "trips.sqlite3").chmod(0o644)

    env = base_env(data_dir, TRIPMESH_TRIP_RETENTION="30d")
    service = ServiceProcess("orchestrator", env).start(tmp_path).wait_serving()
    try:
        deadline = time.monotonic() + 20
        while _get_trip(service.port, old) is not grpc.StatusCode.NOT_FOUND:
            assert time.monotonic() < deadline, service.log()
            time.sleep(0.2)
        assert _get_trip(service.port, recent) is grpc.StatusCode.OK
        assert _mode(data_dir) == 0o700
        for name in ("trips.sqlite3", "trips.sqlite3-wal", "trips.sqlite3-shm"):
            assert _mode(data_dir / name) == 0o600, name
    finally:
        service.stop()
