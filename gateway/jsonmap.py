"""Canonical proto3 JSON both ways, per route: request from path, query and body; response out.

In: lowerCamelCase or snake_case names, unknown fields refused (json_format
with ignore_unknown_fields=False). Out: lowerCamelCase, fields without
presence always printed, so that clients see zeros and empty lists.
Path variables win over the same field in the body.
"""

from collections.abc import Iterable
from typing import Any, cast

import orjson
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway.errors import HttpError, gateway_error
from gateway.jsonout import JsonWriter
from gateway.parse_errors import describe_parse_error
from gateway.query import QueryError, QueryTable, parse_query, query_table
from gateway.rules import Route
from gateway.wkt import NOT_AN_OBJECT
from services.runtime.errors import InvalidArgument


class Codec:
    """Transcodes one route; built once at start (its query table included)."""

    def __init__(self, route: Route) -> None:
        self.route = route
        excluded = set(route.path_fields)
        if route.body == "*":
            self.query: QueryTable = {}  # the body carries every field not in the path
        else:
            if route.body:
                excluded.add(route.body)
            self.query = query_table(route.rpc.input_descriptor, excluded)
        field = route.body_field
        self._body_name = field.name if field is not None else ""
        self._body_is_object = _is_object(field)
        response_field = route.response_body
        self._response_key = (
            route.rpc.output_descriptor.fields_by_name[response_field].json_name
            if response_field
            else ""
        )

    def request(
        self, bindings: dict[str, str], query: Iterable[tuple[str, str]], body: bytes
    ) -> Message:
        """The request message; raises HttpError (400) naming what is wrong."""
        message = self.route.rpc.input_type()
        if self.route.body:
            self._merge_body(message, body)
        if self.query or query:
            try:
                values = parse_query(query, self.query)
            except QueryError as exc:
                raise _invalid(str(exc), "INVALID_QUERY_PARAMETER", exc.parameter) from None
            if values:
                message.MergeFrom(_parse(values, self.route.rpc.input_type, "query"))
        if bindings:
            message.MergeFrom(_parse(_nest(bindings), self.route.rpc.input_type, "path"))
        return message

    def _merge_body(self, message: Message, body: bytes) -> None:
        if not body.strip():
            return  # an empty body is an empty message
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise _invalid(f"request body is not valid JSON: {exc}", "MALFORMED_JSON") from None
        if self._body_is_object and not isinstance(data, dict):
            raise _invalid(
                f"request body must be a JSON object, not {type(data).__name__}", "INVALID_BODY"
            )
        if self._body_name:
            data = {self._body_name: data}
        message.MergeFrom(_parse(data, type(message), "body"))

    def response(self, message: Message) -> bytes:
        """The response (or its `response_body` field) as canonical JSON."""
        data: object = to_dict(message)
        if self._response_key:
            data = data[self._response_key] if isinstance(data, dict) else data
        return dumps(data)


_WRITER = JsonWriter()


def to_dict(message: Message) -> Any:
    """Canonical JSON of a message (what MessageToDict gives, with every field printed)."""
    return _WRITER.to_dict(message)


def dumps(data: object) -> bytes:
    return orjson.dumps(data)  # compact UTF-8, as json.dumps with separators would give


def _parse(data: Any, message_type: type[Message], where: str) -> Message:
    message = message_type()
    try:
        json_format.ParseDict(data, message, ignore_unknown_fields=False)
    except (json_format.ParseError, TypeError, AttributeError, ValueError) as exc:
        problem = describe_parse_error(str(exc), cast(Descriptor, message.DESCRIPTOR))
        reason = "UNKNOWN_FIELD" if problem.unknown else "INVALID_FIELD_VALUE"
        field = problem.field or None
        named = f"{problem.field}: " if problem.field else ""
        raise gateway_error(
            InvalidArgument, f"{where}: {named}{problem.description}", reason=reason, field=field
        ) from None
    return message


def _nest(bindings: dict[str, str]) -> dict[str, object]:
    """{"a.b": "x"} → {"a": {"b": "x"}}."""
    result: dict[str, object] = {}
    for dotted, value in bindings.items():
        *parents, leaf = dotted.split(".")
        node = result
        for part in parents:
            child = node.setdefault(part, {})
            assert isinstance(child, dict)
            node = child
        node[leaf] = value
    return result


def _is_object(field: FieldDescriptor | None) -> bool:
    """Whether the body must be a JSON object: the request itself, or a message field."""
    if field is None:
        return True
    if field.is_repeated or field.message_type is None:
        return False
    return field.message_type.full_name not in NOT_AN_OBJECT


def _invalid(message: str, reason: str, parameter: str | None = None) -> HttpError:
    metadata = {"parameter": parameter} if parameter else None
    return gateway_error(InvalidArgument, message, reason=reason, metadata=metadata)
