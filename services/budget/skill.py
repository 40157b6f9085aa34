"""The budget agent as an A2A agent: prices an itinerary against the trip's budget.

It needs the itinerary, which a sentence cannot carry: a text request is asked for
it (input-required, naming "itinerary"); an EstimateBudgetRequest as a data part
is answered.
"""

from typing import Any

from a2a.types import a2a_pb2
from tripmesh.v1 import budget_service_pb2

from services.a2a.skill import TripSkill, unary_skill
from services.budget.servicer import BudgetServiceServicer
from services.runtime.errors import InvalidArgument

DESCRIPTION = "Prices itineraries and checks them against the traveller's budget."
CARD = a2a_pb2.AgentSkill(
    id="estimate-budget",
    name="Estimate a budget",
    description=(
        "The cost of an itinerary by category (lodging, food, transport, activities) in the"
        " budget's currency, and whether it fits. Send an EstimateBudgetRequest as JSON."
    ),
    tags=["travel", "budget", "currency"],
    examples=['{"trip": {...PlanTripRequest}, "itinerary": {"days": [...]}}'],
    input_modes=["application/json"],
    output_modes=["application/json"],
)


def estimate_budget_skill(servicer: BudgetServiceServicer) -> TripSkill:
    async def estimate(
        request: budget_service_pb2.EstimateBudgetRequest, context: Any
    ) -> budget_service_pb2.EstimateBudgetResponse:
        if not request.itinerary.days:
            raise InvalidArgument(
                "itinerary is missing: send an EstimateBudgetRequest with the itinerary to price",
                reason="MISSING_ITINERARY",
                field="itinerary",
            )
        return await servicer.EstimateBudget(request, context)

    return unary_skill(CARD, budget_service_pb2.EstimateBudgetRequest, "estimate", estimate)
