"""Bounds every request must meet before any work: a string's length, a number's range, a
list's count, a Struct's nesting. Checked by walking the message against one declarative
table (services/runtime/bounds_table.py) keyed by "message.field".

Why hand-written rather than protovalidate (`buf.validate` annotations): protovalidate 2.x
runs on its own protobuf runtime (protobuf-py) beside the google.protobuf one the mesh
uses, its rules come from the Buf registry (out of reach of this project's builds), and it
has no rule for the nesting of a google.protobuf.Struct, the one bound fuzzing showed we
need most. The table keeps the same idea: bounds are data beside the contracts, one place.

Rules that need no entry: a double must be finite; an enum must be one of its defined
values; a Duration or Timestamp must be in the range protobuf documents for it (nanos
too); a message field is walked into.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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
    Timestamp; `max_len` to a string (each one, in a list; and to a Struct's strings);
    `max_bytes` to a bytes field; `max_items` to a list (the nodes of a Struct);
    `max_depth` to a Struct's nesting. `items_checked_by_service`: the
    door checks the count only, and the service takes or refuses each item on its own."""

    max_len: int | None = None
    max_bytes: int | None = None
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
        if self.max_bytes is not None:
            parts.append(f"≤ {self.max_bytes:,} bytes")
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

# The ranges google/protobuf/{duration,timestamp}.proto allow: a field without its own
# range still has these (conversions to datetime or timedelta fail past them).
WELL_KNOWN_RANGES = {
    "google.protobuf.Duration": Bound(min=-315_576_000_000, max=315_576_000_000),
    "google.protobuf.Timestamp": Bound(min=-62_135_596_800, max=253_402_300_799),
}

# The bound of a field the table does not list. None today: every field of every request
# the mesh serves, tripmesh.v1's and A2A's, has its own entry (a test checks it). This is
# the fallback for a message type served later before its entries are written.
FOREIGN = Bound(max_len=256 * 1024, max_bytes=256 * 1024, max_items=1000)


def violations(message: Message, table: Table, prefix: str = "") -> list[FieldViolation]:
    """Every field of `message` (and of the messages in it) that its bound refuses."""
    found: list[FieldViolation] = []
    _walk(message, _plans_of(table), table, prefix, found)
    return found


# Per table and field: what checking it takes, worked out once (descriptor attributes are
# slow to read on every call). Paths are built only for a violation, and for the messages
# walked into. The walk is the door's cost on every call (an itinerary of 4 days has some
# 45 messages and 180 fields): the common checks (a string's length, a number's range)
# are inline in the loop, the others in _value.
_MESSAGE, _SECONDS, _STRUCT, _ENUM, _TEXT, _BYTES, _NUMBER = range(7)


@dataclass(frozen=True)
class _Plan:
    name: str
    kind: int
    repeated: bool  # a list (a Struct's own repeated parts are the Struct's business)
    bound: Bound
    enum_values: frozenset[int] = frozenset()
    floating: bool = False  # a double or float: must be finite
    low: float = -math.inf  # the bound's range (numbers), open ends infinite
    high: float = math.inf
    max_len: float = math.inf  # the bound's max_len (strings), none infinite


_Plans = dict[FieldDescriptor, _Plan]
# By id(table): the table itself (kept, so that its id is never reused) and its plans.
_PLANS: dict[int, tuple[Table, _Plans]] = {}


def _plans_of(table: Table) -> _Plans:
    found = _PLANS.get(id(table))
    if found is None:
        found = _PLANS[id(table)] = (table, {})
    return found[1]


def _make_plan(table: Table, field: FieldDescriptor) -> _Plan:
    owner = field.containing_type
    assert owner is not None
    bound = table.get(f"{owner.full_name}.{field.name}", FOREIGN)
    enum_values: frozenset[int] = frozenset()
    if field.message_type is not None:
        type_name = field.message_type.full_name
        kind = _SECONDS if type_name in _SECONDS_TYPES else _MESSAGE
        kind = _STRUCT if type_name in _STRUCT_TYPES else kind
        if kind == _SECONDS and bound.min is None and bound.max is None:
            bound = WELL_KNOWN_RANGES[type_name]
    elif field.enum_type is not None:
        kind, enum_values = _ENUM, frozenset(v.number for v in field.enum_type.values)
    elif field.type == FieldDescriptor.TYPE_STRING:
        kind = _TEXT
    elif field.type == FieldDescriptor.TYPE_BYTES:
        kind = _BYTES
    else:
        kind = _NUMBER
    repeated = field.is_repeated and kind != _STRUCT
    return _Plan(
        field.name,
        kind,
        repeated,
        bound,
        enum_values,
        floating=field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT),
        low=-math.inf if bound.min is None else bound.min,
        high=math.inf if bound.max is None else bound.max,
        max_len=math.inf if bound.max_len is None else bound.max_len,
    )


def _walk(
    message: Message, plans: _Plans, table: Table, prefix: str, found: list[FieldViolation]
) -> None:
    for field, value in message.ListFields():
        plan = plans.get(field)
        if plan is None:
            plan = plans[field] = _make_plan(table, field)
        kind = plan.kind
        if plan.repeated:
            bound = plan.bound
            if bound.max_items is not None and len(value) > bound.max_items:
                path = prefix + plan.name
                found.append(
                    FieldViolation(
                        path, f"{path}: at most {bound.max_items} items, not {len(value):,}"
                    )
                )
            if bound.items_checked_by_service:
                continue
            if kind == _MESSAGE:
                for index, item in enumerate(value):
                    _walk(item, plans, table, f"{prefix}{plan.name}[{index}].", found)
            elif kind == _TEXT:
                for index, item in enumerate(value):
                    if len(item) > plan.max_len:
                        _value(prefix, plan, index, item, found)
            else:
                for index, item in enumerate(value):
                    _value(prefix, plan, index, item, found)
        elif kind == _MESSAGE:
            _walk(value, plans, table, prefix + plan.name + ".", found)
        elif kind == _TEXT:
            if len(value) > plan.max_len:
                _value(prefix, plan, None, value, found)
        elif kind == _NUMBER:
            if not plan.low <= value <= plan.high or (plan.floating and not math.isfinite(value)):
                _value(prefix, plan, None, value, found)
        else:
            _value(prefix, plan, None, value, found)


def _value(
    prefix: str,
    plan: _Plan,
    index: int | None,
    value: Any,
    found: list[FieldViolation],
) -> None:
    """Checks one value (item `index` of a list) against its plan (a message's fields are
    _walk's)."""
    bound, kind = plan.bound, plan.kind
    problem = ""
    if kind == _TEXT:
        if bound.max_len is not None and len(value) > bound.max_len:
            problem = f"at most {bound.max_len} characters, not {len(value):,}"
    elif kind == _BYTES:
        if bound.max_bytes is not None and len(value) > bound.max_bytes:
            problem = f"at most {bound.max_bytes:,} bytes, not {len(value):,}"
    elif kind == _NUMBER:
        problem = _out_of_range(value, bound)
    elif kind == _ENUM:
        if value not in plan.enum_values:
            problem = f"{value} is not a value of this enum"
    elif kind == _SECONDS:
        problem = _bad_nanos(value) or _out_of_range(value.seconds, bound, unit=" s")
    else:
        problem = _struct(value, bound)
    if problem:
        path = _path(prefix, plan, index)
        found.append(FieldViolation(path, f"{path}: {problem}"))


def _path(prefix: str, plan: _Plan, index: int | None) -> str:
    return prefix + plan.name if index is None else f"{prefix}{plan.name}[{index}]"


def _bad_nanos(value: Any) -> str:
    """As protobuf documents them: a Timestamp's nanos 0 to 999,999,999; a Duration's
    within one second and of the sign of its seconds."""
    seconds, nanos = value.seconds, value.nanos
    if value.DESCRIPTOR.full_name == "google.protobuf.Timestamp":
        valid = 0 <= nanos < NANOS_PER_SECOND
    else:
        valid = -NANOS_PER_SECOND < nanos < NANOS_PER_SECOND and seconds * nanos >= 0
    return "" if valid else "nanos out of range"


def _out_of_range(value: float, bound: Bound, unit: str = "") -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if (bound.min is not None and value < bound.min) or (
        bound.max is not None and value > bound.max
    ):
        return f"must be between {_number(bound.min)} and {_number(bound.max)}{unit}"
    return ""


def _struct(value: Message, bound: Bound) -> str:
    """What is wrong with a Struct, Value or ListValue: depth (of nested objects and lists),
    count of values, string lengths, finite numbers. Walked level by level and stopped at
    the first excess: no recursion on hostile input."""
    max_depth = bound.max_depth if bound.max_depth is not None else 8
    max_values = bound.max_items if bound.max_items is not None else 1000
    max_len = bound.max_len if bound.max_len is not None else 10_000
    level: list[Message] = [value]
    depth = count = 0
    while level:
        depth += 1
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels"
        following: list[Message] = []
        for node in level:
            values, problem = _values(node, max_len)
            count += len(values)
            if problem or count > max_values:
                return problem or f"more than {max_values} values"
            following.extend(_containers(values))
        level = following
    return ""


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
