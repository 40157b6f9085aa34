"""The guide agent: local advice for a destination and the dates of a trip.

The season and the phrases come from the `guide.season` and `guide.phrases` tools
through the router when the server gives a tool client (computed locally otherwise,
or with a warning when the router is down), the time zone from the place; the tips from
the model chain, which is asked for nothing else.
"""

from services.agents.checks import check_guide, check_tips
from services.agents.itinerary import PlannedItinerary
from services.agents.model_runner import AgentResult, ModelRunner
from services.agents.request import TripRequest
from services.agents.routed import ToolCaller, routed_or_local
from services.agents.schemas import REQUIRED_TIP_CATEGORIES, AdviceDraft, GuideDraft
from services.agents.variables import trip_variables
from services.guardrails.output import enforce
from services.guide.facts import GuideFacts, local_facts, routed_facts
from services.guide.offline_advice import advise
from services.llm.chain import ModelTask
from services.travel.places import Place, resolve_place


class Advisor:
    """Gives etiquette, safety, season, money and transport tips and a few phrases."""

    def __init__(self, chain: ModelRunner, tools: ToolCaller | None = None) -> None:
        self._chain = chain
        self._tools = tools  # None: season and phrases computed in process

    async def advise(
        self, request: TripRequest, itinerary: PlannedItinerary | None = None
    ) -> AgentResult[GuideDraft]:
        """Advice for the trip; the itinerary, when given, adds tips for what it includes."""
        warnings: list[str] = []
        if itinerary is not None:
            place = itinerary.place
        else:
            resolution = resolve_place(request.destination)
            place, warnings = resolution.place, list(resolution.warnings)
        facts, degraded = await self._facts(request, place)

        def check(answer: AdviceDraft) -> list[str]:
            return check_tips(list(answer.tips))

        categories = (
            sorted({a.category for d in itinerary.draft.days for a in d.activities})
            if itinerary is not None
            else []
        )
        variables = {
            **trip_variables(request, place),
            "season": facts.season,
            "phrase_language": facts.language,
            "itinerary_categories": categories,
            "required_tip_categories": list(REQUIRED_TIP_CATEGORIES),
        }
        task = ModelTask(
            name="get_advice",
            schema=AdviceDraft,
            variables=variables,
            offline=lambda: AdviceDraft(tips=advise(request, place, itinerary).tips),
            check=check,
        )
        result = await self._chain.run(task)
        # The tools' season and phrases and the place's time zone, whoever wrote the tips.
        value = GuideDraft(
            season=facts.season,
            time_zone=place.time_zone,
            tips=result.value.tips,
            phrases=facts.phrases,
        )
        enforce(check_guide(value, time_zone=place.time_zone), "advice", provider=result.provider)
        warnings += degraded + result.warnings
        return AgentResult(value, warnings, result.usage, result.provider)

    async def _facts(self, request: TripRequest, place: Place) -> tuple[GuideFacts, list[str]]:
        if self._tools is None:
            return local_facts(request, place), []
        return await routed_or_local(
            routed_facts(self._tools, request, place),
            lambda: local_facts(request, place),
            "season and phrases",
        )
