"""Hypothesis strategies built from protobuf descriptors alone: any request of any method,
as the proto field types allow (extreme numbers, undefined enum values, long strings,
long lists, deep Structs), and raw bytes that may not decode at all."""

from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

F = FieldDescriptor
MAX_DEPTH = 6  # messages inside messages; requests nest about four deep
# Values that get past the first checks, so that fuzzing reaches the logic behind them.
NEAR_VALID = [
    "",
    "Lisbon",
    "Lisbon, Portugal",
    "2027-05-01",
    "EUR",
    "food",
    "trips/fuzz",
    "tools/fuzz.tool",
    "tripmesh-planner",
    "/tripmesh.v1.PlannerService/DraftItinerary",
    "OK",
]


def _integers(bits: int, signed: bool = True) -> st.SearchStrategy[int]:
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    edges = [low, high, 0, 1, 2, 7, 30, 1000]
    return st.one_of(
        st.sampled_from([e for e in edges if low <= e <= high]), st.integers(low, high)
    )


def _strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NEAR_VALID),
        st.text(max_size=30),
        st.text(min_size=1, max_size=3).map(lambda s: s * 1000),  # far past every bound
    )


_SCALARS: dict[int, st.SearchStrategy[Any]] = {
    F.TYPE_STRING: _strings(),
    F.TYPE_BYTES: st.binary(max_size=64),
    F.TYPE_BOOL: st.booleans(),
    F.TYPE_DOUBLE: st.one_of(
        st.sampled_from([0.0, -1e308, 1e308, float("nan"), float("inf"), 38.7, -9.1]),
        st.floats(),
    ),
    F.TYPE_FLOAT: st.floats(width=32),
    F.TYPE_INT32: _integers(32),
    F.TYPE_SINT32: _integers(32),
    F.TYPE_SFIXED32: _integers(32),
    F.TYPE_INT64: _integers(64),
    F.TYPE_SINT64: _integers(64),
    F.TYPE_SFIXED64: _integers(64),
    F.TYPE_UINT32: _integers(32, signed=False),
    F.TYPE_FIXED32: _integers(32, signed=False),
    F.TYPE_UINT64: _integers(64, signed=False),
    F.TYPE_FIXED64: _integers(64, signed=False),
}


def _json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.none(), st.booleans(), st.floats(allow_nan=False), _strings(), st.integers(-100, 100)
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )


def _nested(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    level = root
    for _ in range(depth):
        level["a"] = {}
        level = level["a"]
    return root


def _structs() -> st.SearchStrategy[Message]:
    from google.protobuf import struct_pb2

    def build(value: dict[str, Any]) -> Message:
        struct = struct_pb2.Struct()
        struct.update(value)
        return struct

    objects = st.one_of(
        st.dictionaries(st.text(max_size=8), _json_values(), max_size=5),
        st.integers(1, 30).map(_nested),  # up to past any bound (protobuf's own stops at 32)
    )
    return objects.map(build)


def _enums(field: FieldDescriptor) -> st.SearchStrategy[int]:
    assert field.enum_type is not None
    defined = [v.number for v in field.enum_type.values]
    return st.one_of(st.sampled_from(defined), _integers(32))


def field_values(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any] | None:
    """Values of one element of `field`; None when nesting is too deep to go on."""
    if field.message_type is not None:
        return messages(field.message_type, depth + 1) if depth < MAX_DEPTH else None
    if field.type == F.TYPE_ENUM:
        return _enums(field)
    return _SCALARS[field.type]


def _lists(element: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    many = st.tuples(element, st.integers(50, 300)).map(lambda pair: [pair[0]] * pair[1])
    return st.one_of(st.lists(element, max_size=3), many)


def messages(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    """Messages of `descriptor` with any subset of their fields set."""
    if descriptor.full_name == "google.protobuf.Struct":
        return _structs()
    message_class = message_factory.GetMessageClass(descriptor)
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        element = field_values(field, depth)
        if element is not None:
            optional[field.name] = _lists(element) if field.is_repeated else element
    return st.fixed_dictionaries({}, optional=optional).map(
        lambda values: _build(message_class, values)
    )


def _build(message_class: type[Message], values: dict[str, Any]) -> Message:
    message = message_class()
    for name, value in values.items():
        field = message.DESCRIPTOR.fields_by_name[name]
        target = getattr(message, name)
        if field.is_repeated and field.message_type is not None:
            for item in value:
                target.add().CopyFrom(item)
        elif field.is_repeated:
            target.extend(value)
        elif field.message_type is not None:
            target.CopyFrom(value)
        else:
            setattr(message, name, value)
    return message


def _mutated(data: bytes, position: int, byte: int, cut: int) -> bytes:
    if not data:
        return bytes([byte])
    index = position % len(data)
    changed = data[:index] + bytes([byte]) + data[index + 1 :]
    return changed[: max(1, len(changed) - cut)]


def payloads(descriptor: Descriptor) -> st.SearchStrategy[bytes]:
    """Request bytes: well-formed messages of any content, random bytes, and well-formed
    messages with a byte changed and the tail cut off (mostly corrupt)."""
    wellformed = messages(descriptor).map(lambda m: m.SerializeToString())
    return st.one_of(
        wellformed,
        st.binary(max_size=256),
        st.builds(
            _mutated, wellformed, st.integers(0, 10_000), st.integers(0, 255), st.integers(0, 8)
        ),
    )
