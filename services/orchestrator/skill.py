"""The orchestrator as an A2A agent: its skill plans a whole trip, the task's working
states follow the plan's stages and the artifact is the Trip."""

from contextlib import aclosing

from a2a.types import a2a_pb2
from tripmesh.v1.orchestrator_service_pb2 import PlanStage
from tripmesh.v1.trip_pb2 import PlanTripRequest, Trip

from services.a2a.skill import Progress, TripSkill
from services.orchestrator.workflow import TripWorkflow
from services.runtime.errors import Internal

DESCRIPTION = "Plans trips with the tripmesh agents: itinerary, budget and local advice."
CARD = a2a_pb2.AgentSkill(
    id="plan-trip",
    name="Plan a trip",
    description=(
        "A day-by-day itinerary for a destination, dates, travellers, budget and interests,"
        " priced against the budget, with local advice; revised when over budget."
    ),
    tags=["travel", "itinerary", "budget", "trip planning"],
    examples=[
        "Plan 3 days in Lisbon from 1 May for 2 people, 1500 EUR, we love food",
        '{"destination": "Kyoto", "startDate": "2027-04-02", "days": 4, "travelers": 2,'
        ' "budget": {"currencyCode": "JPY", "units": "400000"}, "interests": ["culture"]}',
    ],
    input_modes=["application/json", "text/plain"],
    output_modes=["application/json"],
)


def plan_trip_skill(workflow: TripWorkflow) -> TripSkill:
    async def run(request: PlanTripRequest, progress: Progress) -> Trip:
        trip: Trip | None = None
        # aclosing: a cancelled task closes the workflow here, which cancels its calls.
        async with aclosing(workflow.run(request)) as events:
            async for event in events:
                stage = PlanStage.Name(event.stage)
                await progress(f"{_stage_words(stage)}: {event.message}", stage)
                if event.stage == PlanStage.PLAN_STAGE_COMPLETED:
                    trip = event.trip
        if trip is None:
            raise Internal("the plan ended without a trip", reason="PLAN_INCOMPLETE")
        return trip

    return TripSkill(CARD, PlanTripRequest, "", "trip", run)  # type: ignore[arg-type]


def _stage_words(stage: str) -> str:
    """ "itinerary drafted" for PLAN_STAGE_ITINERARY_DRAFTED."""
    return stage.removeprefix("PLAN_STAGE_").replace("_", " ").lower()
