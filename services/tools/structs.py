"""google.protobuf.Struct to plain JSON objects and back."""

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2


def to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """The JSON object of a Struct, with whole numbers as ints.

    Struct carries every number as a double; 3.0 back as 3 keeps integers
    integers for tool code and readers alike (JSON itself does not distinguish).
    """
    value: dict[str, Any] = _whole_numbers(json_format.MessageToDict(struct))
    return value


def to_struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of a JSON object (raises ValueError for values JSON cannot carry)."""
    struct = struct_pb2.Struct()
    json_format.ParseDict(dict(value), struct)
    return struct


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value
