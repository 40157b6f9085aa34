"""Prompt variables the agents give a model: JSON-able facts, never personal data."""

from typing import Any

from services.agents import pacing
from services.agents.request import TripRequest
from services.travel.places import Place


def place_variables(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "label": place.label,
        "country": place.country,
        "country_code": place.country_code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "time_zone": place.time_zone,
        "currency_code": place.currency_code,
        "languages": list(place.languages),
    }


def trip_variables(request: TripRequest, place: Place) -> dict[str, Any]:
    """The request, the resolved place, the calendar and what the pace allows."""
    fewest, most = pacing.bounds(request.pace)
    return {
        **request.variables(),
        "place": place_variables(place),
        "dates": [day.isoformat() for day in request.dates()],
        "activities_per_day": {"min": fewest, "max": most},
        "suggested_start_times": [slot.start for slot in pacing.slots(request.pace)],
    }
