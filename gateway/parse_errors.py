"""What was wrong with a JSON request, in the API's words: the field's path and what it
expects, never protobuf's internal message (which names Python types and echoes input).

json_format reports one problem as nested "Failed to parse X field: ..." clauses;
their names give the field path, and the descriptor gives what the field expects.
"""

import re
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor

_PARSE_STEP = re.compile(r"Failed to parse (\w+) field")
_UNKNOWN = re.compile(r'has no field named "([^"]{0,200})')
MAX_NAME = 64  # an unknown field's name is echoed at most this long

_KINDS = {
    FieldDescriptor.TYPE_BOOL: "true or false",
    FieldDescriptor.TYPE_STRING: "a string",
    FieldDescriptor.TYPE_BYTES: "base64 bytes",
    FieldDescriptor.TYPE_DOUBLE: "a number",
    FieldDescriptor.TYPE_FLOAT: "a number",
}
_INTEGER_BITS = {
    FieldDescriptor.TYPE_INT32: "a 32-bit integer",
    FieldDescriptor.TYPE_SINT32: "a 32-bit integer",
    FieldDescriptor.TYPE_SFIXED32: "a 32-bit integer",
    FieldDescriptor.TYPE_UINT32: "a non-negative 32-bit integer",
    FieldDescriptor.TYPE_FIXED32: "a non-negative 32-bit integer",
    FieldDescriptor.TYPE_INT64: "a 64-bit integer (a number or a string)",
    FieldDescriptor.TYPE_SINT64: "a 64-bit integer (a number or a string)",
    FieldDescriptor.TYPE_SFIXED64: "a 64-bit integer (a number or a string)",
    FieldDescriptor.TYPE_UINT64: "a non-negative 64-bit integer",
    FieldDescriptor.TYPE_FIXED64: "a non-negative 64-bit integer",
}


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: its dotted path (proto names) and a sentence for the client."""

    field: str
    description: str
    unknown: bool


def describe_parse_error(text: str, message: Descriptor) -> FieldProblem:
    """The field a json_format.ParseError is about, and what that field expects."""
    path = _PARSE_STEP.findall(text)
    fields = _resolve(message, path)
    prefix = ".".join(f.name for f in fields)
    if unknown := _UNKNOWN.search(text):
        name = unknown.group(1)[:MAX_NAME]
        where = f"{prefix}.{name}" if prefix else name
        owner = fields[-1].message_type if fields else message
        owner_name = owner.name if owner is not None else message.name
        return FieldProblem(where, f"unknown field {name!r} ({owner_name} has no such field)", True)
    if not fields:
        return FieldProblem("", "the request does not match its message type", False)
    return FieldProblem(prefix, f"expected {expected(fields[-1])}", False)


def expected(field: FieldDescriptor) -> str:
    """What a field's JSON value must be, for a message to a client."""
    if field.is_repeated and not _is_map(field):
        return f"a list, each {_single(field)}"
    return _single(field)


def _single(field: FieldDescriptor) -> str:
    if _is_map(field):
        return "an object"
    if field.enum_type is not None:
        names = [v.name for v in field.enum_type.values]
        return "one of " + ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    if field.message_type is not None:
        return _message_kind(field.message_type)
    return _KINDS.get(field.type) or _INTEGER_BITS.get(field.type, "a value of another type")


def _message_kind(message: Descriptor) -> str:
    return {
        "google.protobuf.Timestamp": 'an RFC 3339 time ("2027-05-01T09:30:00Z")',
        "google.protobuf.Duration": 'a duration in seconds ("5400s")',
        "google.protobuf.Struct": "a JSON object",
        "google.protobuf.Value": "a JSON value",
        "google.protobuf.ListValue": "a JSON list",
        "google.protobuf.FieldMask": 'a comma-separated list of fields ("a,b.c")',
    }.get(message.full_name, "an object")


def _is_map(field: FieldDescriptor) -> bool:
    message = field.message_type
    return message is not None and message.GetOptions().map_entry


def _resolve(message: Descriptor, path: list[str]) -> list[FieldDescriptor]:
    """The descriptors along `path` (proto or JSON names), as far as they resolve."""
    fields: list[FieldDescriptor] = []
    current: Descriptor | None = message
    for name in path:
        if current is None:
            break
        by_json = {f.json_name: f for f in current.fields}
        field = current.fields_by_name.get(name) or by_json.get(name)
        if field is None:
            break
        fields.append(field)
        current = field.message_type
    return fields
