"""The guide as an A2A agent: local advice for a trip request."""

from a2a.types import a2a_pb2
from tripmesh.v1 import guide_service_pb2

from services.a2a.skill import TripSkill, unary_skill
from services.guide.servicer import GuideServiceServicer

DESCRIPTION = "Local advice for trips: tips, etiquette, safety, season, phrases."
CARD = a2a_pb2.AgentSkill(
    id="local-advice",
    name="Local advice",
    description="Tips, etiquette, safety, the season and useful phrases for a trip.",
    tags=["travel", "advice", "phrases", "season"],
    examples=["Advice for 4 days in Kyoto from 2 April 2027, 2 people, 300000 JPY"],
    input_modes=["application/json", "text/plain"],
    output_modes=["application/json"],
)


def local_advice_skill(servicer: GuideServiceServicer) -> TripSkill:
    return unary_skill(CARD, guide_service_pb2.GetAdviceRequest, "advice", servicer.GetAdvice)
