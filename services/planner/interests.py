"""Whether a plan serves each interest the traveller asked for, and if not, why not.

Checked on every itinerary, the offline engine's and a model's alike: an interest is
served by an activity of its category, or for a focused interest (wildlife, hiking) by
one of its templates or an activity whose title names it.
"""

import calendar
import re
from functools import cache

from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, ItineraryDraft
from services.planner.activities import what_the_place_offers
from services.travel.activity_templates import (
    FOCUSED,
    GENERAL,
    canonical_interest,
    catalogue,
    focused_templates,
)
from services.travel.places import Place

_WHY_NOT = {
    "water": "{place} has neither the sea nor a large lake or river near it",
    "shore": "{place} has neither the sea nor a large lake near it",
    "sea": "{place} has no sea near it",
    "lake": "{place} has no large lake near it",
    "river": "{place} has no large river near it",
    "mountains": "{place} has no mountains near it",
    "hills": "{place} lies on flat land",
    "warm": "{month} is not swimming weather in {place}",
    "snow": "{month} is not snow season near {place}",
}


def interest_notes(
    request: TripRequest, place: Place, draft: ItineraryDraft, *, by_model: bool = False
) -> list[str]:
    """A warning for every known interest of the request that no activity serves, with why
    (`by_model`: a model planned it, so where the place offers the interest, the plan simply
    left it out rather than ran out of daylight as the offline engine would)."""
    activities = [a for day in draft.days for a in day.activities]
    notes = []
    for text in dict.fromkeys(request.interests):
        interest = canonical_interest(text)
        if interest is None or interest == GENERAL:
            continue  # unknown interests are warned about where they are read
        if not any(_serves(a, interest, place) for a in activities):
            why = _why(interest, place, request, by_model)
            notes.append(f'Nothing in the plan serves "{text}": {why}.')
    return notes


def _serves(activity: ActivityDraft, interest: str, place: Place) -> bool:
    if canonical_interest(activity.category) == interest:
        return True
    if interest not in FOCUSED:
        return False
    titles = {t.title_for(place.name) for t in focused_templates()[interest]}
    return activity.title in titles or bool(_focus_words(interest).search(activity.title))


@cache
def _focus_words(interest: str) -> re.Pattern[str]:
    words = {
        "wildlife": "wildlife|safari|national park|reserve|zoo|bird",
        "hiking": "hik|trek|trail",
    }
    return re.compile(words[interest], re.IGNORECASE)


def _why(interest: str, place: Place, request: TripRequest, by_model: bool) -> str:
    templates = focused_templates().get(interest) or catalogue().get(interest, ())
    offered = what_the_place_offers(place, request)
    if any(t.needs <= offered for t in templates):
        if by_model:
            return f"the model's plan has none, though {place.name} offers it"
        return "its activities did not fit the days' daylight and hours; more days would help"
    lacking = {need for t in templates for need in t.needs - offered}
    need = next(n for n in _WHY_NOT if n in lacking)
    month = calendar.month_name[request.start_date.month]
    return _WHY_NOT[need].format(place=place.name, month=month)
