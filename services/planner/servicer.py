"""gRPC servicer of the planner: maps protos to the Planner and back."""

from typing import Any

import grpc
from tripmesh.v1 import planner_service_pb2, planner_service_pb2_grpc

from services.agents.protos import (
    itinerary_from_proto,
    itinerary_to_proto,
    money_from_proto,
    usage_to_proto,
)
from services.guardrails import parse_trip_request
from services.planner.planner import Planner
from services.planner.positions import place_activities


class PlannerServiceServicer(planner_service_pb2_grpc.PlannerServiceServicer):
    """DraftItinerary and ReviseItinerary over a Planner."""

    def __init__(self, planner: Planner) -> None:
        self._planner = planner

    async def DraftItinerary(
        self,
        request: planner_service_pb2.DraftItineraryRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> planner_service_pb2.DraftItineraryResponse:
        # The planner resolves the destination itself and warns about it once.
        trip, warnings = parse_trip_request(request.trip, resolve=False)
        result = await self._planner.draft(trip)
        return planner_service_pb2.DraftItineraryResponse(
            itinerary=place_activities(itinerary_to_proto(result.value), result.value.place),
            warnings=[*warnings, *result.warnings],
            usage=usage_to_proto(result.usage),
        )

    async def ReviseItinerary(
        self,
        request: planner_service_pb2.ReviseItineraryRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> planner_service_pb2.ReviseItineraryResponse:
        trip, warnings = parse_trip_request(request.trip, resolve=False)
        itinerary = itinerary_from_proto(request.itinerary, trip)
        result = await self._planner.revise(
            trip, itinerary, money_from_proto(request.target_total), list(request.cut_categories)
        )
        return planner_service_pb2.ReviseItineraryResponse(
            itinerary=place_activities(itinerary_to_proto(result.value), result.value.place),
            warnings=[*warnings, *result.warnings],
            usage=usage_to_proto(result.usage),
        )
