"""gRPC servicer of the guide: maps protos to the Advisor and back."""

from typing import Any

import grpc
from tripmesh.v1 import guide_service_pb2, guide_service_pb2_grpc

from services.agents.protos import guide_to_proto, itinerary_from_proto, usage_to_proto
from services.guardrails import parse_trip_request
from services.guide.advisor import Advisor


class GuideServiceServicer(guide_service_pb2_grpc.GuideServiceServicer):
    """GetAdvice over an Advisor."""

    def __init__(self, advisor: Advisor) -> None:
        self._advisor = advisor

    async def GetAdvice(
        self,
        request: guide_service_pb2.GetAdviceRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> guide_service_pb2.GetAdviceResponse:
        trip, warnings = parse_trip_request(request.trip, resolve=False)
        itinerary = (
            itinerary_from_proto(request.itinerary, trip)
            if request.HasField("itinerary") and request.itinerary.days
            else None
        )
        result = await self._advisor.advise(trip, itinerary)
        return guide_service_pb2.GetAdviceResponse(
            guide=guide_to_proto(result.value),
            warnings=[*warnings, *result.warnings],
            usage=usage_to_proto(result.usage),
        )
