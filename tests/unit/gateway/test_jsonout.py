"""The compiled JSON writers give exactly what json_format.MessageToDict gives."""

import math
from typing import Any

import pytest
from google.protobuf import (
    any_pb2,
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    json_format,
    struct_pb2,
    timestamp_pb2,
    wrappers_pb2,
)
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from tripmesh.v1 import (
    performance_monitor_service_pb2,
    tool_registry_service_pb2,
    trip_pb2,
)

from gateway.jsonout import JsonWriter
from gateway.rules import load_routes

WKT_FILES = [
    m.DESCRIPTOR.file.name
    for m in (
        any_pb2.Any,
        duration_pb2.Duration,
        empty_pb2.Empty,
        field_mask_pb2.FieldMask,
        struct_pb2.Struct,
        timestamp_pb2.Timestamp,
        wrappers_pb2.Int64Value,
    )
]


def reference(message: Message) -> Any:
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)


def same(message: Message) -> None:
    assert JsonWriter().to_dict(message) == reference(message)


def test_every_request_and_response_type_when_empty() -> None:
    for route in load_routes():
        same(route.rpc.input_type())
        same(route.rpc.output_type())


def test_a_full_trip() -> None:
    trip = trip_pb2.Trip(name="trips/1", warnings=["a", "b"], revisions=2)
    trip.request.destination = "Lisbon"
    trip.request.budget.units = -2000
    trip.request.pace = trip_pb2.PACE_PACKED
    trip.request.interests.extend(["food", "art"])
    day = trip.itinerary.days.add(date="2027-05-01", summary="s")
    activity = day.activities.add(title="Tram", start_time="09:30")
    activity.duration.FromMilliseconds(5_400_500)
    activity.cost.nanos = 500_000_000
    trip.itinerary.destination.population = 2**40
    trip.itinerary.destination.latitude = 38.7
    trip.estimate.line_items.add(category="food").amount.units = 12
    trip.guide.tips.add(category="safety", text="t")
    trip.usage.cost_usd = 0.125
    trip.create_time.FromJsonString("2026-11-23T10:00:00.123456Z")
    same(trip)


def test_structs_values_and_timestamps() -> None:
    tool = tool_registry_service_pb2.Tool(name="tools/x", tags=["geo"], available=True)
    tool.input_schema.update(
        {"type": "object", "n": 2, "f": 1.5, "ok": False, "none": None, "list": [1, "a", {"b": []}]}
    )
    tool.providers.add(service="s").heartbeat_time.FromSeconds(1)
    same(tool)


def test_maps_doubles_and_unknown_enum_numbers() -> None:
    alert = performance_monitor_service_pb2.Alert(
        name="alerts/r", value=math.nan, threshold=-math.inf
    )
    alert.labels["service"] = "tripmesh-planner"
    alert.labels["z"] = ""
    alert.state = 7  # type: ignore[assignment]  # a number this build has no name for
    same(alert)
    stats = performance_monitor_service_pb2.GetStatsResponse(dropped_count=3)
    item = stats.stats.add(count=10, error_rate=0.1)
    item.p99.FromNanoseconds(1500)
    same(stats)


F = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    "d": F.TYPE_DOUBLE, "fl": F.TYPE_FLOAT, "i64": F.TYPE_INT64, "u64": F.TYPE_UINT64,
    "i32": F.TYPE_INT32, "f64": F.TYPE_FIXED64, "f32": F.TYPE_FIXED32, "b": F.TYPE_BOOL,
    "s": F.TYPE_STRING, "by": F.TYPE_BYTES, "u32": F.TYPE_UINT32, "sf32": F.TYPE_SFIXED32,
    "sf64": F.TYPE_SFIXED64, "s32": F.TYPE_SINT32, "s64": F.TYPE_SINT64,
}  # fmt: skip
MESSAGES = {
    "any": ".google.protobuf.Any", "empty": ".google.protobuf.Empty",
    "mask": ".google.protobuf.FieldMask", "value": ".google.protobuf.Value",
    "list": ".google.protobuf.ListValue", "i64w": ".google.protobuf.Int64Value",
    "bw": ".google.protobuf.BoolValue", "fw": ".google.protobuf.FloatValue",
    "byw": ".google.protobuf.BytesValue", "child": ".gatewaytest.v1.Sink",
    "bool_map": ".gatewaytest.v1.Sink.BoolMapEntry", "int_map": ".gatewaytest.v1.Sink.IntMapEntry",
}  # fmt: skip


def _add(message: Any, name: str, number: int, kind: int, **extra: Any) -> None:
    label = extra.pop("label", F.LABEL_OPTIONAL)
    message.field.add(name=name, number=number, type=kind, label=label, **extra)


def _kitchen_sink() -> type[Message]:
    """A message with every scalar type, oneofs, optional fields, maps and well-known types."""
    pool = descriptor_pool.Default()
    try:
        return GetMessageClass(pool.FindMessageTypeByName("gatewaytest.v1.Sink"))
    except KeyError:
        pass
    proto = descriptor_pb2.FileDescriptorProto(
        name="gatewaytest/sink.proto",
        package="gatewaytest.v1",
        syntax="proto3",
        dependency=WKT_FILES,
    )
    sink = proto.message_type.add(name="Sink")
    for number, (name, kind) in enumerate(SCALARS.items(), start=1):
        _add(sink, name, number, kind)
        _add(sink, f"r_{name}", number + 50, kind, label=F.LABEL_REPEATED)
    sink.oneof_decl.add(name="choice")
    sink.oneof_decl.add(name="_maybe")
    _add(sink, "one_a", 100, F.TYPE_STRING, oneof_index=0)
    _add(sink, "one_b", 101, F.TYPE_INT64, oneof_index=0)
    _add(sink, "maybe", 102, F.TYPE_INT32, oneof_index=1, proto3_optional=True)
    for entry_name, key_type in (("BoolMapEntry", F.TYPE_BOOL), ("IntMapEntry", F.TYPE_INT32)):
        entry = sink.nested_type.add(name=entry_name)
        entry.options.map_entry = True
        _add(entry, "key", 1, key_type)
        if key_type == F.TYPE_BOOL:
            _add(entry, "value", 2, F.TYPE_INT64)
        else:
            _add(entry, "value", 2, F.TYPE_MESSAGE, type_name=".gatewaytest.v1.Sink")
    for number, (name, type_name) in enumerate(MESSAGES.items(), start=120):
        label = F.LABEL_REPEATED if name.endswith("_map") else F.LABEL_OPTIONAL
        _add(sink, name, number, F.TYPE_MESSAGE, type_name=type_name, label=label)
    pool.Add(proto)
    return GetMessageClass(pool.FindMessageTypeByName("gatewaytest.v1.Sink"))


@pytest.mark.parametrize("fill", ["empty", "full"])
def test_every_kind_of_field(fill: str) -> None:
    sink: Any = _kitchen_sink()()
    if fill == "full":
        sink.d, sink.fl, sink.i64, sink.u64 = 1.5, 0.1, -(2**62), 2**63
        sink.b, sink.s, sink.by, sink.s64 = True, "é", b"\x00\xff", -5
        sink.r_d.extend([math.inf, -0.0, 3])
        sink.r_fl.append(1e-7)
        sink.r_by.append(b"ab")
        sink.r_i64.extend([1, -1])
        sink.one_b = 7
        sink.maybe = 0  # present although zero: printed
        sink.bool_map[True] = 1
        sink.bool_map[False] = 2
        sink.int_map[-3].s = "nested"
        sink.any.Pack(timestamp_pb2.Timestamp(seconds=5))
        sink.empty.SetInParent()
        sink.mask.paths.extend(["a.b", "c"])
        sink.value.list_value.values.add().string_value = "x"
        sink.list.values.add().bool_value = True
        sink.i64w.value = 2**40
        sink.bw.SetInParent()
        sink.fw.value = 0.3
        sink.byw.value = b"z"
        sink.child.child.i32 = 4
    same(sink)
