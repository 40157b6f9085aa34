"""The bounds table covers every request field, and the door refuses what it should with
every violated field named at once."""

import re
from pathlib import Path

import pytest
from a2a.types import a2a_pb2
from google.protobuf import descriptor_pool, struct_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from tripmesh.v1 import (
    budget_service_pb2,
    performance_monitor_service_pb2,
    task_router_service_pb2,
    trip_pb2,
)

from services.runtime.bounds import Bound, violations
from services.runtime.bounds_table import BOUNDS
from services.runtime.door import Undecodable, admit, guarded
from services.runtime.errors import InvalidArgument, NotFound
from tests.support.descriptors import mesh_services

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
    """The request of every method of every service the mesh serves, A2A's included."""
    return [method.input_type for service in mesh_services() for method in service.methods]


def _needed() -> set[str]:
    seen: set[str] = set()
    return set().union(*(_fields_needing_bounds(t, seen) for t in _request_types()))


def test_every_request_field_has_a_bound() -> None:
    needed = _needed()
    assert sorted(needed - set(BOUNDS)) == []
    assert sorted(set(BOUNDS) - needed) == []  # no stale entries either
    assert any(key.startswith("lf.a2a.v1.") for key in needed)


def _field(key: str) -> FieldDescriptor:
    message, name = key.rsplit(".", 1)
    return descriptor_pool.Default().FindMessageTypeByName(message).fields_by_name[name]


def test_bytes_are_bounded_in_bytes_and_strings_in_characters() -> None:
    for key in _needed():
        field, bound = _field(key), BOUNDS[key]
        if field.type == FieldDescriptor.TYPE_BYTES:
            assert (bound.max_bytes, bound.max_len) != (None, None), key
            assert bound.max_len is None, key
        else:
            assert bound.max_bytes is None, key


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


@pytest.mark.parametrize("table", [BOUNDS, {}], ids=["own entry", "no entry"])
def test_a_timestamp_stays_in_protobuf_range_with_or_without_its_own_entry(
    table: dict[str, Bound],
) -> None:
    request = a2a_pb2.ListTasksRequest()
    request.status_timestamp_after.seconds = -(2**63)  # INTERNAL in A2A's ListTasks, once
    assert [v.field for v in violations(request, table)] == ["status_timestamp_after"]
    request.status_timestamp_after.seconds = 1_800_000_000
    assert violations(request, table) == []
    request.status_timestamp_after.nanos = -1  # INTERNAL in ListTasks too
    assert [v.field for v in violations(request, table)] == ["status_timestamp_after"]


def _a2a_message(*parts: a2a_pb2.Part) -> a2a_pb2.SendMessageRequest:
    message = a2a_pb2.Message(message_id="m-1", role=a2a_pb2.ROLE_USER, parts=parts)
    return a2a_pb2.SendMessageRequest(message=message)


def test_a_travellers_sentence_and_a_trip_as_data_are_within_bounds() -> None:
    data = struct_pb2.Value()
    data.struct_value.update({"destination": "Lisbon", "days": 3, "interests": ["food"]})
    request = _a2a_message(
        a2a_pb2.Part(text="Plan 3 days in Lisbon from 1 May for 2 people, 1500 EUR " * 60),
        a2a_pb2.Part(data=data, media_type="application/json"),
    )
    request.configuration.history_length = 10
    assert violations(request, BOUNDS) == []


def test_a2a_parts_out_of_bounds_are_named_by_path() -> None:
    deep = struct_pb2.Value()
    level = deep.struct_value
    for _ in range(9):
        level = level.fields["a"].struct_value
    request = _a2a_message(
        a2a_pb2.Part(text="ok"),
        a2a_pb2.Part(text="x" * 4001),
        a2a_pb2.Part(raw=b"\0" * (64 * 1024 + 1)),
        a2a_pb2.Part(data=deep),
        a2a_pb2.Part(url="https://example.com/" + "p" * 2048),
    )
    request.configuration.history_length = -1
    found = {v.field: v.description for v in violations(request, BOUNDS)}
    assert sorted(found) == [
        "configuration.history_length",
        "message.parts[1].text",
        "message.parts[2].raw",
        "message.parts[3].data",
        "message.parts[4].url",
    ]
    assert found["message.parts[2].raw"].endswith("at most 65,536 bytes, not 65,537")
    request.message.parts.extend([a2a_pb2.Part(text="ok")] * 6)
    assert "message.parts" in {v.field for v in violations(request, BOUNDS)}


def test_a_duration_has_nanos_of_the_sign_of_its_seconds() -> None:
    record = performance_monitor_service_pb2.ExecutionRecord()
    record.duration.seconds, record.duration.nanos = 1, -5
    assert [v.field for v in violations(record, BOUNDS)] == ["duration"]
    record.duration.seconds, record.duration.nanos = 1, 5
    assert violations(record, BOUNDS) == []
