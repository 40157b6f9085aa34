"""Tools the guide offers: the season at a place in a month, and useful phrases.

Thin adapters from JSON arguments to services.travel.
"""

from services.runtime.errors import InvalidArgument
from services.tools.definition import JsonObject, ToolSpec
from services.travel import warm_up  # loads once per process; a no-op after the first
from services.travel.phrases import has_phrases, phrases
from services.travel.places import resolve_place
from services.travel.seasons import SEASONS, season_info

SEASON_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "place": {"type": "string", "minLength": 1, "maxLength": 200, "description": "A city."},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
    },
    "required": ["place", "month"],
    "additionalProperties": False,
}
SEASON_OUTPUT = {
    "type": "object",
    "properties": {
        "place": {"type": "string"},
        "month": {"type": "integer"},
        "season": {"enum": list(SEASONS)},
        "climate": {"type": "string"},
        "weather": {"type": "string"},
        "hemisphere": {"enum": ["north", "south"]},
    },
    "required": ["place", "month", "season", "climate", "weather"],
}

PHRASES_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "language": {
            "type": "string",
            "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
            "description": "BCP 47 tag, such as 'pt' or 'ja-JP'.",
        },
        "limit": {"type": "integer", "minimum": 1, "maximum": 50},
    },
    "required": ["language"],
    "additionalProperties": False,
}
PHRASES_OUTPUT = {
    "type": "object",
    "properties": {
        "language": {"type": "string"},
        "fallback": {
            "type": "boolean",
            "description": "True: the language is not shipped; English.",
        },
        "phrases": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"english": {"type": "string"}, "local": {"type": "string"}},
                "required": ["english", "local"],
            },
        },
    },
    "required": ["language", "fallback", "phrases"],
}


def season_at(arguments: JsonObject) -> JsonObject:
    try:
        place = resolve_place(str(arguments["place"])).place
    except InvalidArgument as exc:
        raise InvalidArgument(
            exc.message,
            reason=exc.reason,
            field="arguments.place",
            metadata={**exc.metadata, "path": "$.place", "field": "arguments.place"},
        ) from None
    month = int(arguments["month"])
    info = season_info(place.latitude, month)
    return {
        "place": place.label,
        "month": month,
        "season": info.season,
        "climate": info.climate,
        "weather": info.weather,
        "hemisphere": "north" if place.latitude >= 0 else "south",
    }


def useful_phrases(arguments: JsonObject) -> JsonObject:
    language = str(arguments["language"])
    found = phrases((language,))
    limit = int(arguments.get("limit") or len(found))
    return {
        "language": found[0].language if found else "en",
        "fallback": not has_phrases(language),
        "phrases": [{"english": p.english, "local": p.local} for p in found[:limit]],
    }


def guide_tools() -> list[ToolSpec]:
    """The guide agent's tools."""
    return [
        ToolSpec(
            name="guide.season",
            description="The season and the weather to expect at a place in a month.",
            input_schema=SEASON_INPUT,
            output_schema=SEASON_OUTPUT,
            handler=season_at,
            tags=("guide", "weather"),
            warm_up=warm_up,
        ),
        ToolSpec(
            name="guide.phrases",
            description="A few useful phrases in a language, with their English meaning.",
            input_schema=PHRASES_INPUT,
            output_schema=PHRASES_OUTPUT,
            handler=useful_phrases,
            tags=("guide", "language"),
            warm_up=warm_up,
        ),
    ]
