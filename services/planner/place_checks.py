"""Rule checks that need the place and the dates: nothing on the water where there is no
sea, lake or large river, no swimming out of swimming weather, no skiing out of snow season
or far from mountains, nothing that needs the sun in the dark.

They guard a model's itinerary as the offline engine's days are built (see day_plan),
read from the activities' words, and are phrased for a model re-asked with them.
"""

import re
from functools import lru_cache
from typing import Any

from services.agents import pacing
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, ItineraryDraft
from services.planner.activities import what_the_place_offers
from services.travel.daylight import daylight_by_day
from services.travel.places import Place

_ON_THE_WATER = re.compile(
    r"\b(beach\w*|boat|boats|waterfront|seafront|coastal|snorkel\w*|surf\w*|kayak\w*|"
    r"paddleboard\w*|sailing|cove|coves|dive|diving|lakeside)\b",
    re.IGNORECASE,
)
_SWIMMING = re.compile(r"\b(swim\w*|snorkel\w*|surf\w*|diving|dive|beach day)\b", re.IGNORECASE)
_NEEDS_THE_SUN = re.compile(
    r"\b(hike|hiking|trail|trek\w*|birdwatching|safari|kayak\w*|paragliding|zipline|"
    r"botanical|rafting|canyoning|horse riding)\b",
    re.IGNORECASE,
)
_ON_SNOW = re.compile(
    r"\b(ski|skis|skiing|snowboard\w*|snowshoe\w*|sledg\w*|sled|sledding|toboggan\w*)\b",
    re.IGNORECASE,
)
_SUNSET = re.compile(r"\bsunset\b", re.IGNORECASE)
# Slack for a model's times around the computed sunrise and sunset.
_SLACK = 30


@lru_cache(maxsize=8192)  # titles repeat from trip to trip; the patterns are slow to run
def _needs(title: str, description: str) -> frozenset[str]:
    """What an activity's words say it needs: "water", "warm", "snow", "sun" or "sunset"."""
    words = f"{title} {description}"
    found = set()
    if _ON_THE_WATER.search(words):
        found.add("water")
    if _ON_SNOW.search(title):
        found.add("snow")
    if _SWIMMING.search(words) and "pool" not in words:
        found.add("warm")
    if _SUNSET.search(title):
        found.add("sunset")
    elif _NEEDS_THE_SUN.search(title):
        found.add("sun")
    return frozenset(found)


def place_facts(request: TripRequest, place: Place) -> dict[str, Any]:
    """What check_place holds an itinerary to, as prompt variables, so that a model is told
    the rules with the facts it needs to keep them: each day's sunrise and sunset, and
    whether the place has water near, swimming weather and snow on the trip's dates."""
    offered = what_the_place_offers(place, request)
    days = request.dates()
    lights = daylight_by_day(place.latitude, place.longitude, place.time_zone, days)
    return {
        "daylight": [
            {
                "date": day.isoformat(),
                "sunrise": pacing.hhmm(light.sunrise),
                "sunset": pacing.hhmm(light.sunset),
            }
            for day, light in zip(days, lights, strict=True)
        ],
        "surroundings": {
            "water_near": "water" in offered,
            "swimming_weather": "warm" in offered,
            "snow_season": "snow" in offered,
        },
    }


def check_place(draft: ItineraryDraft, request: TripRequest, place: Place) -> list[str]:
    """Violations of the place, the season and the daylight."""
    offered = what_the_place_offers(place, request)
    lights = daylight_by_day(place.latitude, place.longitude, place.time_zone, request.dates())
    problems: list[str] = []
    for day, light in zip(draft.days, lights, strict=False):
        for activity in day.activities:
            needs = _needs(activity.title, activity.description)
            if not needs:
                continue
            where = f'{day.date}: "{activity.title}"'
            if "water" in needs and "water" not in offered:
                problems.append(
                    f"{where} needs the sea, a lake or a large river, and {place.name} has "
                    "none near; replace it with something on land"
                )
            elif "snow" in needs and "snow" not in offered:
                problems.append(
                    f"{where} needs snow, and it is not snow season near {place.name} on "
                    "these dates; replace it"
                )
            elif "warm" in needs and "warm" not in offered:
                problems.append(f"{where} is not for this season in {place.name}: too cold")
            problems += _daylight(where, activity, needs, light.sunrise, light.sunset)
    return problems


def _daylight(
    where: str, activity: ActivityDraft, needs: frozenset[str], sunrise: int, sunset: int
) -> list[str]:
    start = pacing.minutes(activity.start_time)
    end = start + activity.duration_minutes
    times = f"sunrise {pacing.hhmm(sunrise)}, sunset {pacing.hhmm(sunset)}"
    if "sunset" in needs:
        at_sunset = start - _SLACK <= sunset <= end + _SLACK
        return (
            [] if at_sunset else [f"{where} at {activity.start_time} misses the sunset ({times})"]
        )
    in_daylight = sunrise - _SLACK <= start and end <= sunset + _SLACK
    if "sun" in needs and not in_daylight:
        return [f"{where} needs daylight; keep it between sunrise and sunset ({times})"]
    return []
