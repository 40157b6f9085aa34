"""The bounds table covers every request field, and the door refuses what it should with
every violated field named at once."""

import re
from pathlib import Path

import pytest
from google.protobuf import struct_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from tripmesh.v1 import (
    budget_service_pb2,
    performance_monitor_service_pb2,
    task_router_service_pb2,
    trip_pb2,
)

from services.runtime.bounds import violations
from services.runtime.bounds_table import BOUNDS
from services.runtime.door import Undecodable, admit, guarded
from services.runtime.errors import InvalidArgument, NotFound
from tests.support.descriptors import all_services

_FREE = (FieldDescriptor.TYPE_BOOL, FieldDescriptor.TYPE_ENUM)  # bounded by their type


def _fields_needing_bounds(message: Descriptor, seen: set[str]) -> set[str]:
    """Keys of the fields that need an entry: every list, every number and string, and
    every Duration, Timestamp or Struct; other messages are walked into."""
    if message.full_name in seen:
        return set()
    seen.add(message.full_name)
    needed = set()
    for field in message.fields:
        nested = field.message_type
        well_known = nested is not None and nested.full_name.startswith("google.protobuf.")
        if field.is_repeated or well_known or (nested is None and field.type not in _FREE):
            needed.add(f"{message.full_name}.{field.name}")
        if nested is not None and not well_known:
            needed |= _fields_needing_bounds(nested, seen)
    return needed


def _request_types() -> list[Descriptor]:
    return [method.input_type for service in all_services() for method in service.methods]


def test_every_request_field_has_a_bound() -> None:
    seen: set[str] = set()
    needed = set().union(*(_fields_needing_bounds(t, seen) for t in _request_types()))
    assert sorted(needed - set(BOUNDS)) == []
    assert sorted(set(BOUNDS) - needed) == []  # no stale entries either


def test_the_docs_document_every_bound() -> None:
    readme = (Path(__file__).resolve().parents[3] / "docs" / "bounds.md").read_text()
    documented = dict(re.findall(r"^\| `([\w.]+)` \| ([^|]+) \|$", readme, re.MULTILINE))
    assert {key: BOUNDS[key].describe() for key in BOUNDS} == {
        key: value.strip() for key, value in documented.items()
    }


def _itinerary_request() -> budget_service_pb2.EstimateBudgetRequest:
    request = budget_service_pb2.EstimateBudgetRequest()
    request.itinerary.destination.latitude = -1e308
    request.itinerary.destination.longitude = float("nan")
    request.itinerary.destination.name = "L" * 5000
    request.trip.interests.extend(["food"] * 51)
    day = request.itinerary.days.add(date="2027-05-01")
    day.activities.add(title="ok").duration.seconds = 2 * 86_400
    return request


def test_every_violation_is_named_at_once() -> None:
    fields = [v.field for v in violations(_itinerary_request(), BOUNDS)]
    assert sorted(fields) == [
        "itinerary.days[0].activities[0].duration",
        "itinerary.destination.latitude",
        "itinerary.destination.longitude",
        "itinerary.destination.name",
        "trip.interests",
    ]


def test_the_door_refuses_with_a_bad_request_of_every_field_and_a_short_message() -> None:
    with pytest.raises(InvalidArgument) as refused:
        admit(_itinerary_request(), BOUNDS)
    status = refused.value.to_status("tripmesh-budget")
    assert len(status.SerializeToString()) < 2048
    assert len(refused.value.violations) == 5
    assert "LLLLLLLLLL" not in status.message


def test_nested_structs_are_bounded_without_recursion() -> None:
    request = task_router_service_pb2.RouteTaskRequest(name="tools/x")
    level = request.arguments
    for _ in range(9):
        level = level.fields["a"].struct_value
    assert [v.field for v in violations(request, BOUNDS)] == ["arguments"]
    request.arguments.Clear()
    request.arguments.update({"list": [1, 2, {"b": "c"}], "n": 1.5})
    assert violations(request, BOUNDS) == []
    request.arguments.fields["n"].number_value = float("inf")
    assert "not finite" in violations(request, BOUNDS)[0].description


def test_an_enum_value_outside_the_enum_is_refused() -> None:
    request = performance_monitor_service_pb2.GetStatsRequest()
    request.window = 77  # type: ignore[assignment]
    assert [v.field for v in violations(request, BOUNDS)] == ["window"]


def test_undecodable_bytes_become_a_value_the_door_refuses() -> None:
    decode = guarded(trip_pb2.PlanTripRequest.FromString)
    assert decode is not None
    undecodable = decode(b"\x0a\xff\xff\xff\xff\x0f")
    assert undecodable == Undecodable("tripmesh.v1.PlanTripRequest")
    with pytest.raises(InvalidArgument) as refused:
        admit(undecodable, BOUNDS)
    assert refused.value.reason == "MALFORMED_REQUEST"


def test_struct_values_alone_are_fine() -> None:
    assert violations(struct_pb2.Struct(), BOUNDS) == []


def test_an_error_never_carries_unbounded_input() -> None:
    name = "tools/" + "a" * 5000
    error = NotFound(f"{name} does not exist", reason="TOOL_NOT_FOUND", metadata={"name": name})
    status = error.to_status("tripmesh-tool-registry")
    assert len(status.SerializeToString()) < 1024  # far below gRPC's 8 KiB of metadata
    assert status.message.startswith("tools/aaaa")
    assert "more)" in status.message


def test_a_timestamp_without_its_own_bound_stays_in_protobuf_range() -> None:
    from a2a.types import a2a_pb2

    request = a2a_pb2.ListTasksRequest()
    request.status_timestamp_after.seconds = -(2**63)  # INTERNAL in A2A's ListTasks, once
    assert [v.field for v in violations(request, BOUNDS)] == ["status_timestamp_after"]
    request.status_timestamp_after.seconds = 1_800_000_000
    assert violations(request, BOUNDS) == []
    request.status_timestamp_after.nanos = -1  # INTERNAL in ListTasks too
    assert [v.field for v in violations(request, BOUNDS)] == ["status_timestamp_after"]


def test_a_duration_has_nanos_of_the_sign_of_its_seconds() -> None:
    record = performance_monitor_service_pb2.ExecutionRecord()
    record.duration.seconds, record.duration.nanos = 1, -5
    assert [v.field for v in violations(record, BOUNDS)] == ["duration"]
    record.duration.seconds, record.duration.nanos = 1, 5
    assert violations(record, BOUNDS) == []
