"""Tools the budget agent offers: currency conversion and daily costs.

Thin adapters from JSON arguments to services.travel, which holds the knowledge.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from services.runtime.errors import InvalidArgument
from services.tools.definition import JsonObject, ToolSpec
from services.travel import fx, warm_up
from services.travel.costs import STYLES, daily_costs
from services.travel.money import round_money
from services.travel.place_index import place_index
from services.travel.text import fold

_CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code."}

CONVERT_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "amount": {"type": "number", "minimum": 0, "description": "Amount to convert."},
        "from": {**_CURRENCY, "description": "Currency of the amount (ISO 4217)."},
        "to": {**_CURRENCY, "description": "Currency to convert to (ISO 4217)."},
        "date": {
            "type": "string",
            "format": "date",
            "description": "Day of the rate (YYYY-MM-DD); the latest rate when later or absent.",
        },
    },
    "required": ["amount", "from", "to"],
    "additionalProperties": False,
}
CONVERT_OUTPUT = {
    "type": "object",
    "properties": {
        "amount": {"type": "number", "description": "Converted, rounded to the minor unit."},
        "currency": _CURRENCY,
        "rate": {"type": "number", "description": "Units of `to` per unit of `from`."},
        "rate_date": {"type": "string", "description": "ECB date of the rate ('' if none used)."},
        "source": {"type": "string", "const": "ECB euro foreign exchange reference rates"},
    },
    "required": ["amount", "currency", "rate", "rate_date"],
}

COSTS_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "country": {
            "type": "string",
            "minLength": 2,
            "description": "Country name or ISO 3166 code, such as 'Portugal' or 'PT'.",
        },
        "style": {"enum": list(STYLES), "default": "mid-range"},
        "currency": {**_CURRENCY, "description": "Currency of the result (default USD)."},
    },
    "required": ["country"],
    "additionalProperties": False,
}
_AMOUNT = {"type": "number", "minimum": 0}
COSTS_OUTPUT = {
    "type": "object",
    "properties": {
        "country_code": {"type": "string"},
        "style": {"enum": list(STYLES)},
        "currency": _CURRENCY,
        "lodging_per_room": _AMOUNT,
        "food_per_person": _AMOUNT,
        "transport_per_person": _AMOUNT,
        "activity_per_person": _AMOUNT,
        "basis": {"type": "string"},
    },
    "required": [
        "country_code",
        "style",
        "currency",
        "lodging_per_room",
        "food_per_person",
        "transport_per_person",
        "activity_per_person",
    ],
}


def _supported(code: str, key: str) -> str:
    if not fx.is_supported(code):
        raise InvalidArgument(
            f"arguments.{key}: no current ECB rate for {code}",
            reason="UNSUPPORTED_CURRENCY",
            field=f"arguments.{key}",
            metadata={"path": f"$.{key}", "currency": code},
        )
    return code


def convert_currency(arguments: JsonObject) -> JsonObject:
    source = _supported(str(arguments["from"]), "from")
    target = _supported(str(arguments["to"]), "to")
    try:
        amount = Decimal(str(arguments["amount"]))
    except InvalidOperation:
        raise InvalidArgument("amount is not a number", reason="INVALID_AMOUNT") from None
    day = date.fromisoformat(arguments["date"]) if arguments.get("date") else None
    rate, when = fx.rate_on(source, target, day)
    converted = round_money(amount * rate, target)
    return {
        "amount": float(converted),
        "currency": target,
        "rate": float(rate),
        "rate_date": when.isoformat() if when else "",
        "source": "ECB euro foreign exchange reference rates",
    }


def _country(text: str) -> tuple[str, str]:
    """(ISO code, continent) of a country name or code."""
    index = place_index()
    code = index.country_keys.get(fold(text))
    if code is None or code not in index.countries:
        raise InvalidArgument(
            f"arguments.country: {text!r} is not a known country",
            reason="UNKNOWN_COUNTRY",
            field="arguments.country",
            metadata={"path": "$.country"},
        )
    return code, index.countries[code].continent


def estimate_daily_costs(arguments: JsonObject) -> JsonObject:
    code, continent = _country(str(arguments["country"]))
    style = str(arguments.get("style") or "mid-range")
    currency = _supported(str(arguments.get("currency") or "USD"), "currency")
    costs = daily_costs(code, continent, style)
    rate, _ = fx.rate(costs.currency, currency)

    def money(amount: Decimal) -> float:
        return float(round_money(amount * rate, currency))

    return {
        "country_code": code,
        "style": style,
        "currency": currency,
        "lodging_per_room": money(costs.lodging_per_room),
        "food_per_person": money(costs.food_per_person),
        "transport_per_person": money(costs.transport_per_person),
        "activity_per_person": money(costs.activity_unit),
        "basis": costs.basis,
    }


def budget_tools() -> list[ToolSpec]:
    """The budget agent's tools."""
    return [
        ToolSpec(
            name="currency.convert",
            description="Converts an amount between currencies at the ECB reference rate.",
            input_schema=CONVERT_INPUT,
            output_schema=CONVERT_OUTPUT,
            handler=convert_currency,
            tags=("money", "budget"),
            warm_up=partial(warm_up, free_text=False),
        ),
        ToolSpec(
            name="cost.daily_estimate",
            description=(
                "Typical daily costs in a country for a travel style: lodging per room, "
                "food, local transport and a paid activity per person."
            ),
            input_schema=COSTS_INPUT,
            output_schema=COSTS_OUTPUT,
            handler=estimate_daily_costs,
            tags=("money", "budget"),
            warm_up=partial(warm_up, free_text=False),
        ),
    ]
