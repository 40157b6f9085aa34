"""Mapping between the agents' domain objects and the tripmesh.v1 messages.

Money is google.type.Money (units and nanos, exact); durations are
google.protobuf.Duration; dates are "YYYY-MM-DD" strings.
"""

import datetime as dt
from decimal import Decimal

import pydantic
from google.protobuf import duration_pb2
from google.type import money_pb2
from tripmesh.v1 import trip_pb2

from services.agents.itinerary import PlannedItinerary
from services.agents.request import Pace, TripRequest
from services.agents.schemas import (
    ActivityDraft,
    BudgetDraft,
    DayDraft,
    GuideDraft,
    ItineraryDraft,
    TravelStyle,
)
from services.llm.usage import Usage
from services.runtime.errors import InvalidArgument
from services.travel.money import Money, to_decimal, to_units_nanos
from services.travel.places import Place, continent_of, place_named, resolve_place

_PACES = {
    Pace.RELAXED: trip_pb2.PACE_RELAXED,
    Pace.BALANCED: trip_pb2.PACE_BALANCED,
    Pace.PACKED: trip_pb2.PACE_PACKED,
}
_STYLES: dict[str, TravelStyle] = {
    "budget": "budget",
    "mid-range": "mid-range",
    "comfort": "comfort",
}


def money_to_proto(amount: Decimal, currency: str) -> money_pb2.Money:
    units, nanos = to_units_nanos(amount)
    return money_pb2.Money(currency_code=currency, units=units, nanos=nanos)


def money_from_proto(money: money_pb2.Money) -> Money:
    return Money(to_decimal(money.units, money.nanos), money.currency_code)


def usage_to_proto(usage: Usage) -> trip_pb2.Usage:
    return trip_pb2.Usage(
        model_calls=usage.model_calls,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
    )


def trip_request_to_proto(request: TripRequest) -> trip_pb2.PlanTripRequest:
    """The proto of a domain request (tests, and callers that built one in code)."""
    return trip_pb2.PlanTripRequest(
        destination=request.destination,
        start_date=request.start_date.isoformat(),
        days=request.days,
        travelers=request.travelers,
        budget=money_to_proto(request.budget.amount, request.budget.currency),
        interests=list(request.interests),
        pace=_PACES[request.pace],
        request_id=request.request_id,
    )


def place_to_proto(place: Place) -> trip_pb2.Place:
    return trip_pb2.Place(
        name=place.name,
        country=place.country,
        country_code=place.country_code,
        latitude=place.latitude,
        longitude=place.longitude,
        time_zone=place.time_zone,
        currency_code=place.currency_code,
        languages=list(place.languages),
        population=place.population,
    )


def place_from_proto(place: trip_pb2.Place, fallback: str) -> Place:
    """The place a Place message carries; the resolution of `fallback` (the request's
    destination) only when the message names none.

    The planner fills the message from a geonames city; finding that city again (by name,
    country and coordinates) gives back what the message lacks: the geonames id and the
    US state. A place that is not a geonames city is taken as the message describes it.
    Resolving free text stays with the planner: it needs the alternate names, which
    processes that only receive places never load.
    """
    if not (place.name and place.country_code and place.time_zone):
        return resolve_place(fallback).place
    known = place_named(place.name, place.country_code, place.latitude, place.longitude)
    if known is not None:
        return known
    return Place(
        geoname_id=0,  # not a geonames city
        name=place.name,
        country=place.country or place.country_code,
        country_code=place.country_code,
        latitude=place.latitude,
        longitude=place.longitude,
        time_zone=place.time_zone,
        currency_code=place.currency_code,
        languages=tuple(place.languages),
        population=place.population,
        continent=continent_of(place.country_code),
    )


def activity_to_proto(activity: ActivityDraft) -> trip_pb2.Activity:
    return trip_pb2.Activity(
        title=activity.title,
        category=activity.category,
        start_time=activity.start_time,
        duration=duration_pb2.Duration(seconds=activity.duration_minutes * 60),
        cost=money_to_proto(activity.cost, activity.currency),
        description=activity.description,
    )


def itinerary_to_proto(itinerary: PlannedItinerary) -> trip_pb2.Itinerary:
    return trip_pb2.Itinerary(
        days=[
            trip_pb2.ItineraryDay(
                date=day.date.isoformat(),
                activities=[activity_to_proto(a) for a in day.activities],
                summary=day.summary,
            )
            for day in itinerary.draft.days
        ],
        destination=place_to_proto(itinerary.place),
        travel_style=itinerary.draft.travel_style,
    )


def itinerary_from_proto(itinerary: trip_pb2.Itinerary, request: TripRequest) -> PlannedItinerary:
    """The domain itinerary of a message; InvalidArgument INVALID_ITINERARY when malformed."""
    place = place_from_proto(itinerary.destination, request.destination)
    style = _STYLES.get(itinerary.travel_style or "mid-range")
    if style is None:
        raise _bad("itinerary.travel_style", f"travel_style must be one of {', '.join(_STYLES)}")
    days = []
    for d, day in enumerate(itinerary.days):
        try:
            date = dt.date.fromisoformat(day.date)
        except ValueError:
            raise _bad(f"itinerary.days[{d}].date", "dates must be YYYY-MM-DD") from None
        activities = [
            _activity_from_proto(a, f"itinerary.days[{d}].activities[{i}]")
            for i, a in enumerate(day.activities)
        ]
        days.append(DayDraft(date=date, summary=day.summary, activities=activities))
    draft = ItineraryDraft(travel_style=style, days=days)
    return PlannedItinerary(place=place, draft=draft)


def _activity_from_proto(activity: trip_pb2.Activity, field: str) -> ActivityDraft:
    try:
        return ActivityDraft(
            title=activity.title,
            category=activity.category or "sightseeing",
            start_time=activity.start_time,
            duration_minutes=max(1, -(-activity.duration.seconds // 60)),  # whole minutes, up
            cost=to_decimal(activity.cost.units, activity.cost.nanos),
            currency=activity.cost.currency_code,
            description=activity.description,
        )
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _bad(field, f"{field}.{where}: {first['msg']}") from None


def _bad(field: str, message: str) -> InvalidArgument:
    return InvalidArgument(message, reason="INVALID_ITINERARY", field=field)


def budget_to_proto(estimate: BudgetDraft) -> trip_pb2.BudgetEstimate:
    currency = estimate.currency
    return trip_pb2.BudgetEstimate(
        total=money_to_proto(estimate.total, currency),
        line_items=[
            trip_pb2.LineItem(
                category=item.category,
                amount=money_to_proto(item.amount, currency),
                description=item.description,
            )
            for item in estimate.line_items
        ],
        within_budget=estimate.within_budget,
        remaining=money_to_proto(estimate.remaining, currency),
        per_traveler=money_to_proto(estimate.per_traveler, currency),
        savings=list(estimate.savings),
        exchange_rate_date=(
            estimate.exchange_rate_date.isoformat() if estimate.exchange_rate_date else ""
        ),
    )


def guide_to_proto(guide: GuideDraft) -> trip_pb2.GuideAdvice:
    return trip_pb2.GuideAdvice(
        tips=[trip_pb2.Tip(category=t.category, text=t.text) for t in guide.tips],
        phrases=[
            trip_pb2.Phrase(english=p.english, local=p.local, language=p.language)
            for p in guide.phrases
        ],
        season=guide.season,
        time_zone=guide.time_zone,
    )
