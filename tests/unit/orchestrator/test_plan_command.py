"""`tripmesh plan`: flags, the --grpc stream against a real orchestrator, output, errors."""

import asyncio
import json

import pytest
from google.protobuf import json_format
from tripmesh.v1.trip_pb2 import Trip

from services.cli import main
from services.plan_command import transport
from services.runtime.errors import ResourceExhausted
from tests.unit.orchestrator.agents import agent_mesh

FLAGS = [
    "plan",
    "--destination",
    "Lisbon",
    "--start",
    "2027-05-01",
    "--days",
    "3",
    "--travelers",
    "2",
    "--budget",
    "2000 EUR",
    "--interest",
    "food",
]


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--budget", "2000", '--budget must be "AMOUNT CURRENCY"'),
        ("--budget", "EUR 2000", '--budget must be "AMOUNT CURRENCY"'),
        ("--start", "2027-02-30", "--start must be a date as YYYY-MM-DD"),
        ("--start", "01/05/2027", "--start must be a date as YYYY-MM-DD"),
        ("--days", "0", "--days must be a whole number from 1 to 30"),
        ("--travelers", "two", "--travelers must be a whole number from 1 to 20"),
        ("--pace", "fast", "--pace must be one of relaxed, balanced, packed"),
        ("--timeout", "soon", "--timeout must be seconds from 0 to 3600"),
        ("--nights", "9", "--nights must be a whole number from 0 to 3"),
    ],
)
def test_a_bad_flag_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, says: str
) -> None:
    assert main([*FLAGS, flag, value, "--grpc", "127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"tripmesh: {says}")


def test_a_missing_flag_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--destination", "Lisbon", "--start", "2027-05-01"]) == 2
    assert capsys.readouterr().err == "tripmesh: --budget is required\n"


async def test_grpc_plan_prints_progress_then_tables(capsys: pytest.CaptureFixture[str]) -> None:
    async with agent_mesh() as mesh:
        code = await asyncio.to_thread(main, [*FLAGS, "--grpc", f"127.0.0.1:{mesh.port}"])
    out, err = capsys.readouterr()
    assert code == 0, err
    progress = err.splitlines()
    assert "validated:" in progress[0]
    assert "completed: trip ready" in progress[-1]
    assert "DAY" in out and "ACTIVITY" in out and "CATEGORY" in out and "COST" in out  # noqa: PT018
    assert "1 2027-05-01  09:30   1h30  Tram 28" in out
    assert "within budget: budget 2,000.00 EUR, remaining 500.00 EUR" in out
    assert "[etiquette] Say obrigado." in out


async def test_grpc_plan_json_is_the_trip(capsys: pytest.CaptureFixture[str]) -> None:
    async with agent_mesh() as mesh:
        code = await asyncio.to_thread(main, [*FLAGS, "--grpc", f"127.0.0.1:{mesh.port}", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["name"].startswith("trips/")
    assert data["request"]["budget"] == {"currencyCode": "EUR", "units": "2000", "nanos": 0}
    assert data["warnings"] == ["drafted"]  # fields without presence are printed
    assert json_format.ParseDict(data, Trip()).itinerary.days


async def test_a_server_error_is_its_message_and_reason(capsys: pytest.CaptureFixture[str]) -> None:
    async with agent_mesh() as mesh:
        mesh.planner.draft.error = ResourceExhausted("model quota used up", reason="QUOTA")
        code = await asyncio.to_thread(main, [*FLAGS, "--grpc", f"127.0.0.1:{mesh.port}"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err[-1] == "tripmesh: model quota used up (RESOURCE_EXHAUSTED, QUOTA)"


def test_nobody_listening_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*FLAGS, "--gateway", "http://127.0.0.1:1", "--timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tripmesh: cannot reach the gateway at http://127.0.0.1:1")
    assert err.count("\n") == 1


def test_gateway_lines_and_error_bodies() -> None:
    event = {"stage": "PLAN_STAGE_VALIDATED", "message": "ok", "trip": {"name": "trips/a"}}
    assert transport._event(event).trip.name == "trips/a"
    assert transport._event({"result": event}).message == "ok"
    status = {
        "code": 14,
        "message": "planner down",
        "details": [{"@type": transport.ERROR_INFO_TYPE, "reason": "UPSTREAM_UNAVAILABLE"}],
    }
    with pytest.raises(transport.ServerError) as failure:
        transport._event({"error": status})
    assert failure.value == transport.ServerError(
        "UNAVAILABLE", "planner down", "UPSTREAM_UNAVAILABLE"
    )


@pytest.mark.parametrize("command", [["up"], ["status"], ["plan"], ["trips", "list"]])
def test_a_port_offset_past_the_last_port_is_refused_with_the_range(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--port-offset", "16000"])
    assert exit_.value.code == 2
    assert "--port-offset: 16000 is out of range: 0..15472" in capsys.readouterr().err
