"""Tools the planner offers: city lookup and the distance between two places.

Thin adapters from JSON arguments to services.travel's place resolution.
"""

import math

from services.runtime.errors import InvalidArgument
from services.tools.definition import JsonObject, ToolSpec
from services.travel import warm_up  # loads once per process; a no-op after the first
from services.travel.places import Place, resolve_place

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

_PLACE_TEXT = {"type": "string", "minLength": 1, "maxLength": 200}

LOOKUP_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "name": {**_PLACE_TEXT, "description": "City, optionally with its country: 'Porto, PT'."}
    },
    "required": ["name"],
    "additionalProperties": False,
}
LOOKUP_OUTPUT = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "label": {"type": "string"},
        "country": {"type": "string"},
        "country_code": {"type": "string"},
        "region": {"type": "string"},
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
        "time_zone": {"type": "string"},
        "population": {"type": "integer"},
        "currency_code": {"type": "string"},
        "warnings": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["city", "country", "country_code", "latitude", "longitude", "time_zone"],
}

DISTANCE_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "from": {**_PLACE_TEXT, "description": "Start city."},
        "to": {**_PLACE_TEXT, "description": "End city."},
    },
    "required": ["from", "to"],
    "additionalProperties": False,
}
DISTANCE_OUTPUT = {
    "type": "object",
    "properties": {
        "from": {"type": "string"},
        "to": {"type": "string"},
        "distance_km": {"type": "number", "minimum": 0},
        "mode": {"enum": ["walk", "ground", "flight"]},
        "travel_time_hours": {"type": "number", "minimum": 0},
    },
    "required": ["from", "to", "distance_km", "mode", "travel_time_hours"],
}


def _resolve(text: str, key: str) -> tuple[Place, tuple[str, ...]]:
    try:
        resolution = resolve_place(text)
    except InvalidArgument as exc:
        # The place module names the trip's field; here the field is the tool argument.
        raise InvalidArgument(
            exc.message,
            reason=exc.reason,
            field=f"arguments.{key}",
            metadata={**exc.metadata, "path": f"$.{key}", "field": f"arguments.{key}"},
        ) from None
    return resolution.place, resolution.warnings


def lookup_city(arguments: JsonObject) -> JsonObject:
    place, warnings = _resolve(str(arguments["name"]), "name")
    return {
        "city": place.name,
        "label": place.label,
        "country": place.country,
        "country_code": place.country_code,
        "region": place.region,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "time_zone": place.time_zone,
        "population": place.population,
        "currency_code": place.currency_code,
        "warnings": list(warnings),
    }


def great_circle_km(a: Place, b: Place) -> float:
    """Haversine distance between two places."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def rough_travel(distance_km: float) -> tuple[str, float]:
    """(mode, hours): walking within a town, road or rail up to 600 km, a flight beyond.

    Roads wind (x1.25 over the great circle) at about 90 km/h; a flight adds about
    three hours of airports to 800 km/h in the air.
    """
    if distance_km < 3:
        return "walk", distance_km / 4.5
    if distance_km <= 600:
        return "ground", distance_km * 1.25 / 90
    return "flight", 3 + distance_km / 800


def distance(arguments: JsonObject) -> JsonObject:
    start, _ = _resolve(str(arguments["from"]), "from")
    end, _ = _resolve(str(arguments["to"]), "to")
    km = great_circle_km(start, end)
    mode, hours = rough_travel(km)
    return {
        "from": start.label,
        "to": end.label,
        "distance_km": round(km, 1),
        "mode": mode,
        "travel_time_hours": round(hours, 1),
    }


def planner_tools() -> list[ToolSpec]:
    """The planner agent's tools."""
    return [
        ToolSpec(
            name="geo.lookup_city",
            description="Resolves a city name to the city, its country, coordinates and timezone.",
            input_schema=LOOKUP_INPUT,
            output_schema=LOOKUP_OUTPUT,
            handler=lookup_city,
            tags=("geo", "planning"),
            warm_up=warm_up,
        ),
        ToolSpec(
            name="geo.distance",
            description="Great-circle distance between two cities, with a rough travel time.",
            input_schema=DISTANCE_INPUT,
            output_schema=DISTANCE_OUTPUT,
            handler=distance,
            tags=("geo", "planning"),
            warm_up=warm_up,
        ),
    ]
