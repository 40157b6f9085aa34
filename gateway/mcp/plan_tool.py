"""`plan_trip`: the orchestrator's PlanTrip as an MCP tool, its schemas from the protos."""

from typing import Any

import mcp_types as types
from google.protobuf import json_format
from tripmesh.v1 import trip_pb2

from gateway.schemas import SchemaBuilder
from services.runtime.errors import InvalidArgument

PLAN_TRIP = "plan_trip"
DESCRIPTION = (
    "Plans a trip with the tripmesh agents: a day-by-day itinerary, its cost against the budget"
    " (in the budget's currency) and local advice. Arguments are a PlanTripRequest: destination,"
    " startDate (YYYY-MM-DD), days, travelers, budget {currencyCode, units}, interests, pace."
)


def _schema(message: Any) -> dict[str, Any]:
    return SchemaBuilder(ref_prefix="#/$defs/").standalone(message.DESCRIPTOR)


def plan_trip_tool() -> types.Tool:
    return types.Tool(
        name=PLAN_TRIP,
        title="Plan a trip",
        description=DESCRIPTION,
        input_schema=_schema(trip_pb2.PlanTripRequest),
        output_schema=_schema(trip_pb2.Trip),
        # Stores the trip (additive), and the same request_id gives the same trip back.
        annotations=types.ToolAnnotations(
            title="Plan a trip",
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=False,
        ),
    )


def plan_request(arguments: dict[str, Any]) -> trip_pb2.PlanTripRequest:
    """The PlanTripRequest of the tool's arguments; InvalidArgument names what is wrong."""
    request = trip_pb2.PlanTripRequest()
    try:
        json_format.ParseDict(arguments, request)
    except json_format.ParseError as exc:
        text = str(exc).replace("\n", " ")
        raise InvalidArgument(text, reason="INVALID_FIELD_VALUE") from None
    return request
