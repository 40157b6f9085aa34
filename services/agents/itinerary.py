"""An itinerary together with the place it was planned for."""

from dataclasses import dataclass

from services.agents.schemas import ItineraryDraft
from services.travel.places import Place


@dataclass(frozen=True)
class PlannedItinerary:
    """What the planner returns and the budget and guide agents take."""

    place: Place
    draft: ItineraryDraft
