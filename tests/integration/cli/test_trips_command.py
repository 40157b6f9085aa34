"""`tripmesh plan` and `tripmesh trips` as a user runs them, against a running mesh."""

import subprocess
import sys

import pytest

from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow


def tripmesh(mesh: MeshProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args, "--port-offset", str(mesh.offset)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plan_then_list_show_and_delete_by_port_offset(mesh: MeshProcess) -> None:
    planned = tripmesh(
        mesh, "plan", "--destination", "Porto", "--start", "2027-06-01", "--days", "2",
        "--budget", "900 EUR", "--interest", "food",
    )  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert "style" in planned.stdout.splitlines()[0]  # the travel style is shown
    assert "TAKES" in planned.stdout  # durations are shown
    name = next(word.strip("()") for word in planned.stdout.split() if word.startswith("(trips/"))

    listed = tripmesh(mesh, "trips", "list")
    assert listed.returncode == 0, listed.stderr
    assert name in listed.stdout

    shown = tripmesh(mesh, "trips", "show", name.removeprefix("trips/"))
    assert shown.returncode == 0, shown.stderr
    assert name in shown.stdout

    deleted = tripmesh(mesh, "trips", "delete", name)
    assert (deleted.returncode, deleted.stdout.strip()) == (0, f"deleted {name}")
    gone = tripmesh(mesh, "trips", "show", name)
    assert gone.returncode == 1
    assert "TRIP_NOT_FOUND" in gone.stderr


def test_a_refused_connection_hints_at_the_mesh_and_its_offset() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "trips", "list", "--gateway", "http://127.0.0.1:1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "tripmesh up" in result.stderr
    assert "--port-offset" in result.stderr
    assert "Traceback" not in result.stderr
