"""A skill's request from the user's messages: a data part (the request's JSON), or text.

Every user message of the task counts, so that an answer to input-required ("from
1 May, 1500 EUR") completes the first message rather than replacing it.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar, cast

from a2a.types import a2a_pb2
from google.protobuf import json_format
from google.protobuf.message import Message
from tripmesh.v1 import trip_pb2

from services.a2a.model_reading import TextReader, offline_reader
from services.a2a.text_request import REQUIRED
from services.runtime.bounds_table import BOUNDS
from services.runtime.door import admit
from services.runtime.errors import InvalidArgument

M = TypeVar("M", bound=Message)


class MissingInput(Exception):
    """What the messages do not say yet; the task asks for it (input-required)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"missing: {', '.join(fields)}")
        self.fields = fields


def user_text_and_data(messages: Iterable[a2a_pb2.Message]) -> tuple[str, dict[str, Any]]:
    """The text parts joined, and the data parts merged (later ones win)."""
    texts: list[str] = []
    data: dict[str, Any] = {}
    for message in messages:
        if message.role != a2a_pb2.ROLE_USER:
            continue
        for part in message.parts:
            if part.HasField("text"):
                texts.append(part.text)
            elif part.HasField("data") and part.data.HasField("struct_value"):
                data.update(json_format.MessageToDict(part.data.struct_value))
    return "\n".join(texts), data


async def read_request(
    messages: Iterable[a2a_pb2.Message],
    request_type: type[M],
    trip_field: str,
    today: date,
    reader: TextReader = offline_reader,
) -> M:
    """The request of a skill taking `request_type`, whose trip is at `trip_field` ("" when
    the request is a PlanTripRequest itself); InvalidArgument when a field is out of the
    bounds the skill's service would check at its door."""
    text, data = user_text_and_data(messages)
    request = request_type()
    if data:
        if trip_field and trip_field not in data and "destination" in data:
            data = {trip_field: data}  # a bare PlanTripRequest for a skill that wraps one
        _parse(data, request)
    trip = cast(trip_pb2.PlanTripRequest, getattr(request, trip_field) if trip_field else request)
    if not trip.destination:
        if not text:
            raise MissingInput(list(REQUIRED))
        reading = await reader(text, today)
        if reading.missing:
            raise MissingInput(reading.missing)
        trip.CopyFrom(reading.request)
    admit(request, BOUNDS)  # the skill runs in process, past the door of its own service
    return request


def _parse(data: dict[str, Any], request: Message) -> None:
    try:
        json_format.ParseDict(data, request)
    except json_format.ParseError as exc:
        text = str(exc).replace("\n", " ")
        raise InvalidArgument(text, reason="INVALID_FIELD_VALUE") from None
