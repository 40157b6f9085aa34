"""The guide agent: local advice for a destination and the dates of a trip."""

from services.agents.checks import check_guide
from services.agents.itinerary import PlannedItinerary
from services.agents.model import AgentResult, ModelRunner
from services.agents.offline_guide import advise
from services.agents.request import TripRequest
from services.agents.schemas import GuideDraft
from services.agents.variables import trip_variables
from services.guardrails.output import enforce
from services.llm.chain import ModelTask
from services.travel.phrases import phrase_language
from services.travel.places import resolve_place
from services.travel.seasons import season_info


class Advisor:
    """Gives etiquette, safety, season, money and transport tips and a few phrases."""

    def __init__(self, chain: ModelRunner) -> None:
        self._chain = chain

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

        def check(answer: GuideDraft) -> list[str]:
            return check_guide(answer, time_zone=place.time_zone)

        categories = (
            sorted({a.category for d in itinerary.draft.days for a in d.activities})
            if itinerary is not None
            else []
        )
        variables = {
            **trip_variables(request, place),
            "season": season_info(place.latitude, request.start_date.month).season,
            "phrase_language": phrase_language(place.languages, place.country_code),
            "itinerary_categories": categories,
            "required_tip_categories": ["etiquette", "safety", "season", "money"],
        }
        task = ModelTask(
            name="get_advice",
            schema=GuideDraft,
            variables=variables,
            offline=lambda: advise(request, place, itinerary),
            check=check,
        )
        result = await self._chain.run(task)
        enforce(check(result.value), "advice", provider=result.provider)
        return AgentResult(result.value, warnings + result.warnings, result.usage, result.provider)
