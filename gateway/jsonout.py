"""Messages to canonical proto3 JSON, with a writer compiled once per message type.

json_format.MessageToDict walks each field's descriptor on every call; for a
Trip that is about half a millisecond, the largest part of what the gateway
adds to a PlanTrip. These writers make the same decisions once per type
(name, presence, how to convert a value) and then only read values. The
output equals MessageToDict(message, always_print_fields_with_no_presence=True)
(the tests compare them); keys come in field order. Types without a writer of
their own here (Any) fall back to json_format.
"""

import base64
import math
from collections.abc import Callable
from typing import Any, cast

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

from gateway.wkt import STRING_FORM, WRAPPERS

Convert = Callable[[Any], Any]
_F = FieldDescriptor
_INT64 = {_F.CPPTYPE_INT64, _F.CPPTYPE_UINT64}


# How a field is written (compared by identity in the hot loop).
_AS_IS, _LIST, _ONE, _MANY = object(), object(), object(), object()


def _same(value: Any) -> Any:
    return value


def _double(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    return value


def _float(value: float) -> Any:
    special = _double(value)
    return special if isinstance(special, str) else type_checkers.ToShortestFloat(value)


def _bytes(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _map_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _value(message: Any) -> Any:
    """google.protobuf.Value: null, number, string, bool, struct or list."""
    kind = message.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if kind == "number_value":
        number = message.number_value
        if math.isnan(number) or math.isinf(number):
            raise ValueError("a Value cannot hold NaN or Infinity in JSON")
        return number
    if kind == "struct_value":
        return _struct(message.struct_value)
    if kind == "list_value":
        return _list_value(message.list_value)
    return getattr(message, kind)


def _struct(message: Any) -> dict[str, Any]:
    return {key: _value(item) for key, item in message.fields.items()}


def _list_value(message: Any) -> list[Any]:
    return [_value(item) for item in message.values]


class JsonWriter:
    """Compiles and caches one writer per message type."""

    def __init__(self) -> None:
        self._writers: dict[str, Convert] = {}

    def to_dict(self, message: Message) -> Any:
        """The message's canonical JSON value (a dict for plain messages)."""
        return self.writer(cast(Descriptor, message.DESCRIPTOR))(message)

    def writer(self, descriptor: Descriptor) -> Convert:
        name = descriptor.full_name
        found = self._writers.get(name)
        if found is None:
            slot: list[Convert] = []
            # Until compiled, a message that contains itself meets this forwarder.
            self._writers[name] = lambda message: slot[0](message)
            found = self._compile(descriptor)
            slot.append(found)
            self._writers[name] = found
        return found

    def _compile(self, descriptor: Descriptor) -> Convert:
        name = descriptor.full_name
        if name in STRING_FORM:
            return lambda message: message.ToJsonString()
        if name in WRAPPERS:
            inner = self._scalar(descriptor.fields_by_name["value"]) or _same
            return lambda message: inner(message.value)
        special: dict[str, Convert] = {
            "google.protobuf.Struct": _struct,
            "google.protobuf.Value": _value,
            "google.protobuf.ListValue": _list_value,
            "google.protobuf.Empty": lambda message: {},
        }
        if name in special:
            return special[name]
        if name == "google.protobuf.Any":
            return lambda message: json_format.MessageToDict(
                message, always_print_fields_with_no_presence=True
            )
        return self._message(descriptor)

    def _message(self, descriptor: Descriptor) -> Convert:
        plan = [self._step(field) for field in descriptor.fields]

        def write(message: Any) -> dict[str, Any]:
            result: dict[str, Any] = {}
            for attribute, key, has_presence, how, convert in plan:
                if has_presence and not message.HasField(attribute):
                    continue
                value = getattr(message, attribute)
                if how is _AS_IS:
                    result[key] = value
                elif how is _LIST:
                    result[key] = list(value)
                elif how is _ONE:
                    result[key] = convert(value)
                else:
                    result[key] = [convert(item) for item in value]
            return result

        return write

    def _step(self, field: FieldDescriptor) -> tuple[str, str, bool, object, Convert]:
        """(attribute, JSON key, has presence, how to write, converter) of a field.

        Scalars whose Python value is already their JSON value are written as they
        are, without a call: most fields of most messages.
        """
        head = (field.name, field.json_name, field.has_presence)
        message = field.message_type
        if message is not None and message.GetOptions().map_entry:
            value = self._single(message.fields_by_name["value"])
            return (
                *head,
                _ONE,
                lambda entries: {_map_key(k): value(v) for k, v in entries.items()},
            )
        convert = self.writer(message) if message is not None else self._scalar(field)
        if convert is None:
            return (*head, _LIST if field.is_repeated else _AS_IS, _same)
        return (*head, _MANY if field.is_repeated else _ONE, convert)

    def _single(self, field: FieldDescriptor) -> Convert:
        if field.message_type is not None:
            return self.writer(field.message_type)
        return self._scalar(field) or _same

    def _scalar(self, field: FieldDescriptor) -> Convert | None:
        """How to convert a scalar; None when its Python value is its JSON value."""
        kind = field.cpp_type
        enum = field.enum_type
        if enum is not None:
            if enum.full_name == "google.protobuf.NullValue":
                return lambda value: None
            names = {v.number: v.name for v in enum.values}
            return lambda value: names.get(value, value)  # an unknown number stays a number
        if field.type == _F.TYPE_BYTES:
            return _bytes
        if kind in _INT64:
            return str
        if kind == _F.CPPTYPE_DOUBLE:
            return _double
        if kind == _F.CPPTYPE_FLOAT:
            return _float
        return None  # strings, bools, 32-bit integers
