"""The planner as an A2A agent: drafts an itinerary for a trip request."""

from a2a.types import a2a_pb2
from tripmesh.v1 import planner_service_pb2

from services.a2a.skill import TripSkill, unary_skill
from services.planner.servicer import PlannerServiceServicer

DESCRIPTION = "Drafts day-by-day itineraries for trips."
CARD = a2a_pb2.AgentSkill(
    id="draft-itinerary",
    name="Draft an itinerary",
    description="A day-by-day itinerary (activities, times, costs) for a trip request.",
    tags=["travel", "itinerary"],
    examples=["Draft 2 days in Porto from 3 June 2027 for 2 people, 600 EUR, history and food"],
    input_modes=["application/json", "text/plain"],
    output_modes=["application/json"],
)


def draft_itinerary_skill(servicer: PlannerServiceServicer) -> TripSkill:
    return unary_skill(
        CARD, planner_service_pb2.DraftItineraryRequest, "itinerary", servicer.DraftItinerary
    )
