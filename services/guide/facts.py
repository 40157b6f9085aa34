"""The season and phrases of the guide's advice: through the `guide.season` and
`guide.phrases` tools, or computed in process.

Both ways give the same answer: the tools are thin adapters over the same functions.
"""

import asyncio
from dataclasses import dataclass

from services.agents.request import TripRequest
from services.agents.routed import ToolCaller
from services.agents.schemas import PhraseDraft
from services.travel.phrases import phrase_language, phrases
from services.travel.places import Place
from services.travel.seasons import season_info


@dataclass(frozen=True)
class GuideFacts:
    season: str  # at the start of the trip
    phrases: list[PhraseDraft]

    @property
    def language(self) -> str:
        """The BCP 47 tag the phrases are in."""
        return self.phrases[0].language if self.phrases else "en"


def local_facts(request: TripRequest, place: Place) -> GuideFacts:
    found = phrases(place.languages, place.country_code)
    return GuideFacts(
        season=season_info(place.latitude, request.start_date.month).season,
        phrases=[PhraseDraft(english=p.english, local=p.local, language=p.language) for p in found],
    )


async def routed_facts(tools: ToolCaller, request: TripRequest, place: Place) -> GuideFacts:
    """Both tools at once (gather, not a TaskGroup: the caller needs the typed error itself,
    not an ExceptionGroup)."""
    language = phrase_language(place.languages, place.country_code)
    season, said = await asyncio.gather(
        tools.call("guide.season", {"place": place.label, "month": request.start_date.month}),
        tools.call("guide.phrases", {"language": language}),
    )
    tag = str(said["language"])
    return GuideFacts(
        season=str(season["season"]),
        phrases=[
            PhraseDraft(english=p["english"], local=p["local"], language=tag)
            for p in said["phrases"]
        ],
    )
