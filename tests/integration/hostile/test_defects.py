"""The defects of issue 12, reproduced as the attacker sent them to a real mesh: each now
gets INVALID_ARGUMENT (never UNKNOWN or INTERNAL) with a short message, and the monitor
keeps answering after poison records."""

from collections.abc import Callable, Iterator
from typing import Any

import grpc
import httpx
import pytest
from a2a.types import a2a_pb2
from google.protobuf import duration_pb2, struct_pb2
from google.type import money_pb2
from tripmesh.v1 import (
    budget_service_pb2,
    guide_service_pb2,
    performance_monitor_service_pb2,
    planner_service_pb2,
    task_router_service_pb2,
    trip_pb2,
)

from tests.integration.hostile.support import (
    MAX_MESSAGE_CHARS,
    mesh_targets,
    raw_call,
    violations,
)
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow

INT64_MAX = 2**63 - 1
MONITOR = "/tripmesh.v1.PerformanceMonitorService/"


@pytest.fixture
def channels(mesh: MeshProcess) -> Iterator[dict[str, grpc.Channel]]:
    names = ("planner", "budget", "guide", "task-router", "tool-registry", "performance-monitor")
    opened = {name: grpc.insecure_channel(f"127.0.0.1:{mesh.port(name)}") for name in names}
    yield opened
    for channel in opened.values():
        channel.close()


def _call(channel: grpc.Channel, path: str, request: Any, response_type: Any) -> Any:
    method = channel.unary_unary(
        path,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response_type.FromString,
    )
    return method(request, timeout=20)


def _rejected(call: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    error = caught.value
    assert error.code() is grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert len(error.details() or "") < MAX_MESSAGE_CHARS
    return error


def test_poison_records_are_rejected_one_by_one_and_get_stats_stays_ok(
    channels: dict[str, grpc.Channel],
) -> None:
    pb = performance_monitor_service_pb2
    good = pb.ExecutionRecord(
        kind=pb.EXECUTION_KIND_MODEL,
        service="tripmesh-planner",
        model="hostile:poison-test",
        duration=duration_pb2.Duration(nanos=5_000_000),
        input_tokens=10,
        code="OK",
    )
    poison = [pb.ExecutionRecord(), pb.ExecutionRecord(), pb.ExecutionRecord()]
    for record in poison:
        record.CopyFrom(good)
    poison[0].input_tokens = INT64_MAX
    poison[1].input_tokens = INT64_MAX
    poison[2].duration.seconds = INT64_MAX
    request = pb.RecordExecutionsRequest(records=[*poison, good])
    channel = channels["performance-monitor"]

    response = _call(channel, MONITOR + "RecordExecutions", request, pb.RecordExecutionsResponse)
    assert (response.accepted_count, response.rejected_count) == (1, 3)

    stats = _call(channel, MONITOR + "GetStats", pb.GetStatsRequest(), pb.GetStatsResponse)
    mine = [s for s in stats.stats if s.subject == "hostile:poison-test"]
    assert mine
    assert all(s.input_tokens == 10 * s.count for s in mine)
    assert stats.rejected_count >= 3


def test_malformed_bytes_are_invalid_argument_on_every_method(mesh: MeshProcess) -> None:
    corrupt = b"\x0a\xff\xff\xff\xff\x0f"  # a length-delimited field longer than the message
    codes = {}
    for target in mesh_targets(mesh):
        with grpc.insecure_channel(f"127.0.0.1:{target.port}") as channel:
            error = raw_call(channel, target, corrupt)
        assert error is not None, target.path
        codes[target.path] = (error.code(), error.details())
        assert violations(error), target.path
    assert {code for code, _ in codes.values()} == {grpc.StatusCode.INVALID_ARGUMENT}, codes


def _nested(depth: int) -> struct_pb2.Struct:
    root = struct_pb2.Struct()
    level = root
    for _ in range(depth):
        level = level.fields["a"].struct_value
    return root


@pytest.mark.parametrize(
    ("depth", "field"),
    [(12, "arguments"), (50, "request")],  # 50: past protobuf's own depth limit, not decoded
)
def test_a_struct_nested_too_deep_is_invalid_argument(
    mesh: MeshProcess, channels: dict[str, grpc.Channel], depth: int, field: str
) -> None:
    request = task_router_service_pb2.RouteTaskRequest(name="tools/geo.lookup_city")
    request.arguments.CopyFrom(_nested(depth))  # serialized as built: no depth check on the way
    router = channels["task-router"]
    target = next(t for t in mesh_targets(mesh) if t.path.endswith("/RouteTask"))
    error = raw_call(router, target, request.SerializeToString())
    assert error is not None
    assert error.code() is grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert field in violations(error)


def _lisbon() -> trip_pb2.Itinerary:
    return trip_pb2.Itinerary(
        destination=trip_pb2.Place(
            name="Lisbon",
            country="Portugal",
            country_code="PT",
            latitude=38.7,
            longitude=-9.1,
            time_zone="Europe/Lisbon",
            currency_code="EUR",
        )
    )


def _trip() -> trip_pb2.PlanTripRequest:
    return trip_pb2.PlanTripRequest(
        destination="Lisbon",
        start_date="2027-05-01",
        days=2,
        travelers=2,
        budget=money_pb2.Money(currency_code="EUR", units=2000),
    )


_AGENT_CALLS = [
    (
        "planner",
        "/tripmesh.v1.PlannerService/ReviseItinerary",
        planner_service_pb2.ReviseItineraryRequest,
        planner_service_pb2.ReviseItineraryResponse,
    ),
    (
        "budget",
        "/tripmesh.v1.BudgetService/EstimateBudget",
        budget_service_pb2.EstimateBudgetRequest,
        budget_service_pb2.EstimateBudgetResponse,
    ),
    (
        "guide",
        "/tripmesh.v1.GuideService/GetAdvice",
        guide_service_pb2.GetAdviceRequest,
        guide_service_pb2.GetAdviceResponse,
    ),
]


def _far_south(itinerary: trip_pb2.Itinerary) -> str:
    itinerary.destination.latitude = -1e308  # OverflowError in places.py, once
    return "itinerary.destination.latitude"


def _megabyte_name(itinerary: trip_pb2.Itinerary) -> str:
    itinerary.destination.name = "L" * 1_000_000  # pydantic's string_too_long, once
    for date in ("2027-05-01", "2027-05-02"):
        day = itinerary.days.add(date=date)
        day.activities.add(title=f"Walk {date}", category="history", start_time="10:00")
        day.activities[0].duration.seconds = 3600
        day.activities[0].cost.currency_code = "EUR"
    return "itinerary.destination.name"


@pytest.mark.parametrize("poison", [_far_south, _megabyte_name])
@pytest.mark.parametrize(("service", "path", "request_type", "response_type"), _AGENT_CALLS)
def test_a_poisoned_itinerary_is_invalid_argument_on_every_agent(
    channels: dict[str, grpc.Channel],
    service: str,
    path: str,
    request_type: Any,
    response_type: Any,
    poison: Callable[[trip_pb2.Itinerary], str],
) -> None:
    itinerary = _lisbon()
    field = poison(itinerary)
    request = request_type(trip=_trip(), itinerary=itinerary)
    channel = channels[service]
    error = _rejected(lambda: _call(channel, path, request, response_type))
    assert field in violations(error)


@pytest.mark.parametrize("agent", ["orchestrator", "planner", "budget", "guide"])
def test_a_5000_character_a2a_text_part_is_invalid_argument_on_every_agent(
    mesh: MeshProcess, agent: str
) -> None:
    part = a2a_pb2.Part(text="Plan 3 days in Lisbon. " + "L" * 5000)
    message = a2a_pb2.Message(message_id="hostile-1", role=a2a_pb2.ROLE_USER, parts=[part])
    request = a2a_pb2.SendMessageRequest(message=message)
    path = "/lf.a2a.v1.A2AService/SendMessage"
    with grpc.insecure_channel(f"127.0.0.1:{mesh.port(agent)}") as channel:
        error = _rejected(lambda: _call(channel, path, request, a2a_pb2.SendMessageResponse))
    assert list(violations(error)) == ["message.parts[0].text"]
    assert "LLLLLLLLLL" not in (error.details() or "")


def test_a_5000_character_tool_name_is_not_echoed(mesh: MeshProcess) -> None:
    response = httpx.get(f"{mesh.gateway_url}/v1/tools/{'a' * 5000}", timeout=20)
    assert response.status_code == 400, response.text
    assert len(response.content) < 2 * MAX_MESSAGE_CHARS
    fields = [
        violation["field"]
        for detail in response.json()["details"]
        for violation in detail.get("fieldViolations", ())
    ]
    assert fields == ["name"]
