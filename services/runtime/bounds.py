"""Bounds every request must meet before any work: a string's length, a number's range, a
list's count, a Struct's nesting. Checked by walking the message against one declarative
table (services/runtime/bounds_table.py) keyed by "message.field".

Why hand-written rather than protovalidate (`buf.validate` annotations): protovalidate 2.x
runs on its own protobuf runtime (protobuf-py) beside the google.protobuf one the mesh
uses, its rules come from the Buf registry (out of reach of this project's builds), and it
has no rule for the nesting of a google.protobuf.Struct, the one bound fuzzing showed we
need most. The table keeps the same idea: bounds are data beside the contracts, one place.

Rules that need no entry: a double must be finite; an enum must be one of its defined
values; a Duration or Timestamp must have nanos in range; a message field is walked into.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from google.protobuf import struct_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.runtime.errors import FieldViolation

_SECONDS_TYPES = ("google.protobuf.Duration", "google.protobuf.Timestamp")
_STRUCT_TYPES = ("google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue")
NANOS_PER_SECOND = 1_000_000_000


@dataclass(frozen=True)
class Bound:
    """The bound of one field. Ranges apply to numbers, and to the seconds of a Duration or
    Timestamp; `max_len` to a string (each one, in a list); `max_items` to a list (the
    nodes of a Struct); `max_depth` to a Struct's nesting. `items_checked_by_service`: the
    door checks the count only, and the service takes or refuses each item on its own."""

    max_len: int | None = None
    min: float | None = None
    max: float | None = None
    max_items: int | None = None
    max_depth: int | None = None
    items_checked_by_service: bool = False

    def describe(self) -> str:
        """The bound in words, as the README's table shows it."""
        parts = []
        if self.max_len is not None:
            parts.append(f"≤ {self.max_len} chars")
        if self.min is not None or self.max is not None:
            parts.append(f"{_number(self.min)}…{_number(self.max)}")
        if self.max_items is not None:
            parts.append(f"≤ {self.max_items} items")
        if self.max_depth is not None:
            parts.append(f"depth ≤ {self.max_depth}")
        if self.items_checked_by_service:
            parts.append("bad items refused one by one")
        return ", ".join(parts)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else str(value)


Table = Mapping[str, Bound]


def violations(message: Message, table: Table, prefix: str = "") -> list[FieldViolation]:
    """Every field of `message` (and of the messages in it) that its bound refuses."""
    return list(_walk(message, table, prefix))


def _walk(message: Message, table: Table, prefix: str) -> Iterator[FieldViolation]:
    type_name = message.DESCRIPTOR.full_name
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        bound = table.get(f"{type_name}.{field.name}", Bound())
        if field.is_repeated and not _is_struct(field):
            yield from _count(path, len(value), bound)
            if bound.items_checked_by_service:
                continue
            for index, item in enumerate(value):
                yield from _value(f"{path}[{index}]", field, item, bound, table)
        else:
            yield from _value(path, field, value, bound, table)


def _value(
    path: str, field: FieldDescriptor, value: object, bound: Bound, table: Table
) -> Iterator[FieldViolation]:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        assert isinstance(value, Message)
        yield from _message(path, value, bound, table)
    elif field.type == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        assert isinstance(value, int)
        if value not in field.enum_type.values_by_number:
            yield FieldViolation(path, f"{path}: {value} is not a value of this enum")
    elif isinstance(value, str | bytes):
        yield from _length(path, len(value), bound)
    elif isinstance(value, int | float):
        yield from _range(path, value, bound)


def _message(path: str, value: Message, bound: Bound, table: Table) -> Iterator[FieldViolation]:
    type_name = value.DESCRIPTOR.full_name
    if type_name in _SECONDS_TYPES:
        nanos: int = getattr(value, "nanos")  # noqa: B009  (both types have it)
        if not -NANOS_PER_SECOND < nanos < NANOS_PER_SECOND:
            yield FieldViolation(path, f"{path}: nanos must be within one second")
        yield from _range(path, getattr(value, "seconds"), bound, unit=" s")  # noqa: B009
    elif type_name in _STRUCT_TYPES:
        yield from _struct(path, value, bound)
    else:
        yield from _walk(value, table, f"{path}.")


def _length(path: str, length: int, bound: Bound) -> Iterator[FieldViolation]:
    if bound.max_len is not None and length > bound.max_len:
        yield FieldViolation(path, f"{path}: at most {bound.max_len} characters, not {length:,}")


def _count(path: str, count: int, bound: Bound) -> Iterator[FieldViolation]:
    if bound.max_items is not None and count > bound.max_items:
        yield FieldViolation(path, f"{path}: at most {bound.max_items} items, not {count:,}")


def _range(path: str, value: float, bound: Bound, unit: str = "") -> Iterator[FieldViolation]:
    if isinstance(value, float) and not math.isfinite(value):
        yield FieldViolation(path, f"{path}: must be a finite number")
    elif (bound.min is not None and value < bound.min) or (
        bound.max is not None and value > bound.max
    ):
        yield FieldViolation(
            path,
            f"{path}: must be between {_number(bound.min)} and {_number(bound.max)}{unit}",
        )


def _struct(path: str, value: Message, bound: Bound) -> Iterator[FieldViolation]:
    """Depth (of nested objects and lists), count of values, string lengths and finite
    numbers of a Struct, Value or ListValue, walked level by level and stopped at the first
    excess: no recursion on hostile input."""
    max_depth = bound.max_depth if bound.max_depth is not None else 8
    max_values = bound.max_items if bound.max_items is not None else 1000
    max_len = bound.max_len if bound.max_len is not None else 10_000
    level: list[Message] = [value]
    depth = count = 0
    while level:
        depth += 1
        if depth > max_depth:
            yield FieldViolation(path, f"{path}: nested deeper than {max_depth} levels")
            return
        following: list[Message] = []
        for node in level:
            values, problem = _values(node, max_len)
            count += len(values)
            if problem or count > max_values:
                yield FieldViolation(path, f"{path}: {problem or f'more than {max_values} values'}")
                return
            following.extend(_containers(values))
        level = following


def _values(node: Message, max_len: int) -> tuple[list[struct_pb2.Value], str]:
    """The values of one Struct or ListValue (a Value: itself), or what is wrong with them."""
    if isinstance(node, struct_pb2.Struct):
        if any(len(key) > max_len for key in node.fields):
            return [], f"a key is longer than {max_len} characters"
        values = list(node.fields.values())
    elif isinstance(node, struct_pb2.ListValue):
        values = list(node.values)
    else:
        assert isinstance(node, struct_pb2.Value)
        values = [node]
    for item in values:
        kind = item.WhichOneof("kind")
        if kind == "string_value" and len(item.string_value) > max_len:
            return [], f"a string is longer than {max_len} characters"
        if kind == "number_value" and not math.isfinite(item.number_value):
            return [], "a number is not finite"
    return values, ""


def _containers(values: list[struct_pb2.Value]) -> Iterator[Message]:
    for item in values:
        kind = item.WhichOneof("kind")
        if kind == "struct_value":
            yield item.struct_value
        elif kind == "list_value":
            yield item.list_value


def _is_struct(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.full_name in _STRUCT_TYPES
