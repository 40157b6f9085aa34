"""The answers the agents give, as pydantic models.

The offline engine fills them, and a model's JSON answer must validate against
the same models (their JSON Schema is shown to the model). Types and shapes are
enforced here; the rules that need the request (days, dates, overlaps...) are in
checks.py, so that their messages can tell a model exactly what to fix.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

TravelStyle = Literal["budget", "mid-range", "comfort"]

_CURRENCY = r"^[A-Z]{3}$"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class _Answer(BaseModel):
    # Each answer's description is an assignment to __doc__ rather than a docstring: pydantic
    # puts the class's __doc__ in the JSON Schema a model is shown, and `tripmesh up` runs
    # the services with python -OO, which drops docstrings (tests/unit/llm/
    # test_schemas_optimized.py compares the schemas with and without -OO).
    # Extra keys from a model are dropped rather than failing the whole answer.
    model_config = ConfigDict(extra="ignore", frozen=True)


MAX_SAVINGS = 8
MAX_SAVING_LENGTH = 400


class ActivityDraft(_Answer):
    __doc__ = """One activity at a time of a day."""

    title: str = Field(min_length=1, max_length=160, description="Short title, unique in the trip")
    category: str = Field(min_length=1, max_length=40, description="Usually one of the interests")
    start_time: str = Field(
        pattern=_TIME,
        description="Local start time, HH:MM (24-hour), 06:00 or later; the activity ends "
        "by midnight and after the previous one",
    )
    duration_minutes: int = Field(ge=1, le=1440, description="How long it takes, in minutes")
    cost: Decimal = Field(description="Cost per traveller, as a decimal number (0 when free)")
    currency: str = Field(pattern=_CURRENCY, description="ISO 4217 code of the cost")
    description: str = Field(default="", max_length=500, description="One or two sentences")


class DayDraft(_Answer):
    __doc__ = """One day of the itinerary."""

    date: dt.date = Field(description="The day, YYYY-MM-DD")
    summary: str = Field(default="", max_length=200, description="A one-line theme for the day")
    activities: list[ActivityDraft] = Field(description="In start-time order")


class ItineraryDraft(_Answer):
    __doc__ = """A day-by-day plan."""

    travel_style: TravelStyle = Field(description="What lodging and food are priced at")
    days: list[DayDraft] = Field(description="One entry per day of the trip, in order")


class LineItemDraft(_Answer):
    __doc__ = """One category of a budget estimate."""

    category: str = Field(min_length=1, max_length=40)
    amount: Decimal = Field(description="For all travellers and days, in the budget's currency")
    description: str = Field(default="", max_length=300)


class BudgetDraft(_Answer):
    __doc__ = """A priced itinerary in the currency of the traveller's budget."""

    currency: str = Field(pattern=_CURRENCY)
    total: Decimal
    line_items: list[LineItemDraft]
    within_budget: bool
    remaining: Decimal = Field(description="Budget minus total (negative when over)")
    per_traveler: Decimal = Field(description="Total divided by the travellers, rounded")
    savings: list[str] = Field(default_factory=list, description="Concrete ways to save")
    exchange_rate_date: dt.date | None = Field(default=None, description="ECB date of the rates")


Saving = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SAVING_LENGTH)]


class SavingsDraft(_Answer):
    __doc__ = (
        "Savings suggestions for an over-budget trip (the only part of a budget a model writes)."
    )

    savings: list[Saving] = Field(
        min_length=1,
        max_length=MAX_SAVINGS,
        description="Concrete ways to save, most effective first",
    )


class TipDraft(_Answer):
    __doc__ = """One piece of local advice."""

    category: str = Field(
        min_length=1,
        max_length=40,
        description='"etiquette", "safety", "season", "money", "transport", "language", ...',
    )
    text: str = Field(min_length=1, max_length=600)


class PhraseDraft(_Answer):
    __doc__ = """A useful phrase."""

    english: str = Field(min_length=1, max_length=80)
    local: str = Field(min_length=1, max_length=160)
    language: str = Field(min_length=2, max_length=35, description="BCP 47 tag, such as pt-PT")


REQUIRED_TIP_CATEGORIES = ("etiquette", "safety", "season", "money")


class AdviceDraft(_Answer):
    __doc__ = (  # the lines of the docstring it was, so that the schema stays the same
        "What a model writes of the guide's advice: the tips. The season, the time zone and the\n"
        "    phrases come from the guide's tools and the place, so a model is not asked for them."
    )

    tips: list[TipDraft] = Field(
        description="At least one tip for each of "
        + ", ".join(f'"{c}"' for c in REQUIRED_TIP_CATEGORIES)
        + "; no tip repeated"
    )


class GuideDraft(_Answer):
    __doc__ = """Local advice for a destination and dates."""

    season: str = Field(description='Season during the trip, such as "spring" or "wet season"')
    time_zone: str = Field(description="IANA time zone of the destination")
    tips: list[TipDraft]
    phrases: list[PhraseDraft]
