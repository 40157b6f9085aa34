"""JSON Schema (OpenAPI 3.1) of proto messages, as canonical proto3 JSON writes them.

int64 kinds print as strings (numbers are accepted in), enums as their names,
Timestamp as an RFC 3339 string, Duration as "1.5s", Struct as an object.
Messages become components named by their full name; well-known types inline.

Descriptions are the .proto files' comments; fields marked
`(google.api.field_behavior) = REQUIRED` are required; an integer field whose comment
states a range as `1..30` gets it as minimum and maximum. Other fields of the bounds table
(services/runtime/bounds_table.py) get the ceilings every server's door holds them to:
minimum and maximum of a number, maxLength of a string, maxItems of a list; where the
guardrails hold a trip request tighter (services.guardrails.validation.FIELD_LIMITS), theirs.
"""

import re
from dataclasses import replace
from typing import Any, TypeVar

from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from services.guardrails.validation import FIELD_LIMITS
from services.runtime.bounds import Bound
from services.runtime.bounds_table import BOUNDS
from services.runtime.protodocs import comment

Schema = dict[str, Any]
_N = TypeVar("_N", int, float)
REF_PREFIX = "#/components/schemas/"

_INT32 = {"type": "integer", "format": "int32", "minimum": -(2**31), "maximum": 2**31 - 1}
_UINT32 = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1}
_INT64 = {
    "type": ["string", "integer"],
    "format": "int64",
    "pattern": r"^-?[0-9]+$",
    "minimum": -(2**63),
    "maximum": 2**63 - 1,
}
_UINT64 = {
    "type": ["string", "integer"],
    "format": "uint64",
    "pattern": r"^[0-9]+$",
    "minimum": 0,
    "maximum": 2**64 - 1,
}
_DOUBLE = {"type": "number", "format": "double"}
_FLOAT = {"type": "number", "format": "float", "minimum": -3.4e38, "maximum": 3.4e38}
_BOOL = {"type": "boolean"}
_STRING = {"type": "string"}
_BYTES = {"type": "string", "format": "byte", "contentEncoding": "base64"}

_T = FieldDescriptor
SCALARS: dict[int, Schema] = {
    _T.TYPE_DOUBLE: _DOUBLE,
    _T.TYPE_FLOAT: _FLOAT,
    _T.TYPE_INT32: _INT32,
    _T.TYPE_SINT32: _INT32,
    _T.TYPE_SFIXED32: _INT32,
    _T.TYPE_UINT32: _UINT32,
    _T.TYPE_FIXED32: _UINT32,
    _T.TYPE_INT64: _INT64,
    _T.TYPE_SINT64: _INT64,
    _T.TYPE_SFIXED64: _INT64,
    _T.TYPE_UINT64: _UINT64,
    _T.TYPE_FIXED64: _UINT64,
    _T.TYPE_BOOL: _BOOL,
    _T.TYPE_STRING: _STRING,
    _T.TYPE_BYTES: _BYTES,
}

WELL_KNOWN: dict[str, Schema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {
        "type": "string",
        "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$",
        "description": 'Seconds with an "s" suffix, such as "5400s" or "1.5s".',
    },
    "google.protobuf.FieldMask": {"type": "string", "description": "Comma-separated paths."},
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
        "additionalProperties": True,
    },
    "google.protobuf.DoubleValue": _DOUBLE,
    "google.protobuf.FloatValue": _FLOAT,
    "google.protobuf.Int64Value": _INT64,
    "google.protobuf.UInt64Value": _UINT64,
    "google.protobuf.Int32Value": _INT32,
    "google.protobuf.UInt32Value": _UINT32,
    "google.protobuf.BoolValue": _BOOL,
    "google.protobuf.StringValue": _STRING,
    "google.protobuf.BytesValue": _BYTES,
}


class SchemaBuilder:
    """Collects the components of every message it is asked about."""

    def __init__(self, ref_prefix: str = REF_PREFIX) -> None:
        self.components: dict[str, Schema] = {}
        self._ref_prefix = ref_prefix

    def message(self, descriptor: Descriptor) -> Schema:
        """A `$ref` to the message's component (inline schema for well-known types)."""
        name = descriptor.full_name
        if name in WELL_KNOWN:
            return dict(WELL_KNOWN[name])
        if name not in self.components:
            self.components[name] = {}  # placeholder: a recursive message refers to itself
            self.components[name] = self._object(descriptor)
        return {"$ref": self._ref_prefix + name}

    def _object(self, descriptor: Descriptor) -> Schema:
        schema: Schema = {
            "type": "object",
            "title": descriptor.name,
            **_described(descriptor.full_name),
            "properties": {f.json_name: self.field(f) for f in descriptor.fields},
            "additionalProperties": False,
        }
        if required := [f.json_name for f in descriptor.fields if is_required(f)]:
            schema["required"] = required
        return schema

    def field(self, field: FieldDescriptor) -> Schema:
        """Schema of a field's JSON value: arrays for repeated fields, objects for maps."""
        message = field.message_type
        if message is not None and message.GetOptions().map_entry:
            schema: Schema = {
                "type": "object",
                "additionalProperties": self.field(message.fields_by_name["value"]),
            }
        else:
            bound = _tightest(BOUNDS.get(field.full_name), FIELD_LIMITS.get(field.full_name))
            single = {**self.value(field), **_ceilings(field, bound), **_bounds(field)}
            schema = {"type": "array", "items": single} if field.is_repeated else single
            if field.is_repeated and bound is not None and bound.max_items is not None:
                schema["maxItems"] = bound.max_items
        return {**schema, **_described(field.full_name)}

    def value(self, field: FieldDescriptor) -> Schema:
        """Schema of one value of a field."""
        if field.message_type is not None:
            return self.message(field.message_type)
        if field.enum_type is not None:
            return self.enum(field.enum_type)
        return dict(SCALARS[field.type])

    def enum(self, descriptor: EnumDescriptor) -> Schema:
        name = descriptor.full_name
        if name not in self.components:
            self.components[name] = {
                "type": "string",
                "title": descriptor.name,
                **_described(name, _value_list(descriptor)),
                "enum": [v.name for v in descriptor.values],
            }
        return {"$ref": self._ref_prefix + name}

    def standalone(self, descriptor: Descriptor) -> Schema:
        """The message's schema inline, with what it refers to under `$defs` (build this
        builder with ref_prefix="#/$defs/"): one self-contained JSON Schema document."""
        schema = self._object(descriptor)
        if self.components:
            schema["$defs"] = dict(self.components)
        return schema

    def object_without(self, descriptor: Descriptor, excluded: set[str]) -> Schema:
        """The message's schema inline, without the top-level fields named in `excluded`."""
        schema = self._object(descriptor)
        schema["properties"] = {
            f.json_name: schema["properties"][f.json_name]
            for f in descriptor.fields
            if f.name not in excluded
        }
        return schema


_RANGE = re.compile(r"(?<![.\w])(-?[0-9]+)\.\.(-?[0-9]+)(?![\w]|\.[0-9])")
_INTEGERS = frozenset(
    {_T.TYPE_INT32, _T.TYPE_SINT32, _T.TYPE_SFIXED32, _T.TYPE_UINT32, _T.TYPE_FIXED32}
)


def is_required(field: FieldDescriptor) -> bool:
    """Whether the field is annotated `(google.api.field_behavior) = REQUIRED`."""
    behaviors = field.GetOptions().Extensions[field_behavior_pb2.field_behavior]
    return field_behavior_pb2.REQUIRED in behaviors


def _described(full_name: str, extra: str = "") -> Schema:
    text = "\n\n".join(t for t in (comment(full_name), extra) if t)
    return {"description": text} if text else {}


def _bounds(field: FieldDescriptor) -> Schema:
    """minimum and maximum of an integer field whose comment states a range ("1..30")."""
    found = _RANGE.search(comment(field.full_name))
    if field.type not in _INTEGERS or found is None:
        return {}
    return {"minimum": int(found.group(1)), "maximum": int(found.group(2))}


def _tightest(door: Bound | None, service: Bound | None) -> Bound | None:
    """The door's bound narrowed by the service's own limits of the same field."""
    if door is None or service is None:
        return door or service
    return replace(
        door,
        max_len=_lowest(door.max_len, service.max_len),
        max_items=_lowest(door.max_items, service.max_items),
        max=_lowest(door.max, service.max),
    )


def _lowest(a: _N | None, b: _N | None) -> _N | None:
    return b if a is None else a if b is None else min(a, b)


def _ceilings(field: FieldDescriptor, bound: Bound | None) -> Schema:
    """The door's bound of one value of a scalar field, in JSON Schema's words."""
    if bound is None or field.message_type is not None or field.enum_type is not None:
        return {}
    if field.type == _T.TYPE_STRING:
        return {} if bound.max_len is None else {"maxLength": bound.max_len}
    if field.type in (_T.TYPE_DOUBLE, _T.TYPE_FLOAT):
        number: type[float] = float
    elif field.type in SCALARS and field.type not in (_T.TYPE_BOOL, _T.TYPE_BYTES):
        number = int
    else:
        return {}
    ceilings: Schema = {}
    if bound.min is not None:
        ceilings["minimum"] = number(bound.min)
    if bound.max is not None:
        ceilings["maximum"] = number(bound.max)
    return ceilings


def _value_list(descriptor: EnumDescriptor) -> str:
    scope = descriptor.full_name.rsplit(".", 1)[0]
    lines = [f"- `{v.name}`: {comment(f'{scope}.{v.name}')}" for v in descriptor.values]
    return "\n".join(line for line in lines if not line.endswith(": "))
