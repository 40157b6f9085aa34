"""Exact pricing of an itinerary: arithmetic over its activities and the cost table.

The same request and itinerary always give the same figures, whoever proposed the
itinerary. Amounts are Decimal throughout; each line item is rounded once to the
budget currency's minor unit and the total is the sum of the rounded items, so the
items add up to the total exactly.
"""

import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.agents.meals import meals_share, paid_meals
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, BudgetDraft, ItineraryDraft, LineItemDraft
from services.travel import fx
from services.travel.costs import STYLES, DailyCosts, daily_costs
from services.travel.money import format_amount, round_money
from services.travel.places import Place

CATEGORIES = ("lodging", "food", "transport", "activities")

Pair = tuple[str, str]  # (source, target) currency codes
Rate = tuple[Decimal, date | None]  # units of target per unit of source, and the ECB date

# Where conversions get their rates: services.travel.fx unless a caller priced with rates
# fetched beforehand (the budget agent, through the router). A context variable, so that
# the offline savings engine, which prices through these same functions, uses the same
# rates as the estimate it comments on without a parameter threaded through every helper.
_rate_of: ContextVar[Callable[[str, str], Rate]] = ContextVar("tripmesh_rate_of", default=fx.rate)


@contextmanager
def rates_from(known: Mapping[Pair, Rate]) -> Iterator[None]:
    """Prices in this block (this task and those it starts) with `known` rates only."""

    def rate_of(source: str, target: str) -> Rate:
        if source == target:
            return Decimal(1), None
        if (source, target) not in known:
            # A pair that currency_pairs() missed: our bug, loud rather than priced elsewhere.
            raise LookupError(f"no rate fetched for {source}->{target}")
        return known[(source, target)]

    token = _rate_of.set(rate_of)
    try:
        yield
    finally:
        _rate_of.reset(token)


def currency_pairs(request: TripRequest, place: Place, draft: ItineraryDraft) -> set[Pair]:
    """The conversions that pricing `draft` (and its savings) needs, same-currency ones left out."""
    target = request.budget.currency
    sources = {a.currency for d in draft.days for a in d.activities}
    # Every travel style's cost table: the savings price the cheaper styles too.
    sources.update(costs_for(place, style).currency for style in STYLES)
    return {(source, target) for source in sources if source != target}


def rooms_for(travelers: int) -> int:
    """Rooms the group needs: two travellers share a room."""
    return math.ceil(travelers / 2)


def costs_for(place: Place, style: str) -> DailyCosts:
    """Daily costs at a place for a travel style, in USD."""
    return daily_costs(place.country_code, place.continent, style, population=place.population)


def activity_currency(place: Place, request: TripRequest) -> str:
    """The currency activity prices are given in: the local one when the ECB has a rate for it.

    Otherwise the traveller's own budget currency, which can always be priced.
    """
    if place.currency_code and fx.is_supported(place.currency_code):
        return place.currency_code
    return request.budget.currency


@dataclass
class _Rates:
    """Conversions into one currency, remembering the ECB date when one was used."""

    target: str
    rate_date: date | None = None

    def convert(self, amount: Decimal, source: str) -> Decimal:
        value, when = _rate_of.get()(source, self.target)
        self.rate_date = self.rate_date or when
        return amount * value


def nights_for(request: TripRequest) -> int:
    """Nights the trip needs lodging for: one fewer than its days (the last day is the day
    home; a day trip needs none)."""
    return request.days - 1


def fixed_costs(request: TripRequest, place: Place, style: str) -> list[LineItemDraft]:
    """Lodging, food and transport line items for the whole trip, in the budget currency,
    with the full food allowance (no meal paid as an activity)."""
    costs = costs_for(place, style)
    rates = _Rates(request.budget.currency)
    return _fixed_items(request, place, costs, rates, [])


def _fixed_items(
    request: TripRequest,
    place: Place,
    costs: DailyCosts,
    rates: _Rates,
    meals: list[tuple[str, str]],
) -> list[LineItemDraft]:
    currency = request.budget.currency
    rooms, nights, people, days = (
        rooms_for(request.travelers),
        nights_for(request),
        request.travelers,
        request.days,
    )
    basis = f"{costs.style} prices of {place.country}"

    def item(category: str, amount_usd: Decimal, how: str) -> LineItemDraft:
        amount = round_money(rates.convert(amount_usd, costs.currency), currency)
        return LineItemDraft(category=category, amount=amount, description=how)

    # Meals the itinerary pays as activities (a food tour at dinner time) replace that
    # part of the day's food allowance instead of adding to it.
    food_days = days - meals_share(meals)
    food_how = f"{people} traveller(s) x {days} day(s), {basis}"
    if meals:
        food_how += f", less {len(meals)} meal(s) paid as activities"
    return [
        item("lodging", costs.lodging_per_room * rooms * nights,
             f"{rooms} room(s) x {nights} night(s), {basis}"),
        item("food", costs.food_per_person * people * food_days, food_how),
        item("transport", costs.transport_per_person * people * days,
             f"local transport, {people} traveller(s) x {days} day(s)"),
    ]  # fmt: skip


def price_itinerary(request: TripRequest, place: Place, draft: ItineraryDraft) -> BudgetDraft:
    """The exact estimate of an itinerary (savings left empty: see offline_budget)."""
    currency = request.budget.currency
    rates = _Rates(currency)
    costs = costs_for(place, draft.travel_style)
    items = _fixed_items(request, place, costs, rates, paid_meals(draft.days))
    paid = [a for d in draft.days for a in d.activities if a.cost > 0]
    per_person = sum((rates.convert(a.cost, a.currency) for a in paid), Decimal(0))
    items.append(
        LineItemDraft(
            category="activities",
            amount=round_money(per_person * request.travelers, currency),
            description=f"{len(paid)} paid activities x {request.travelers} traveller(s)",
        )
    )
    total = sum((i.amount for i in items), Decimal(0))
    return BudgetDraft(
        currency=currency,
        total=total,
        line_items=items,
        within_budget=total <= request.budget.amount,
        remaining=request.budget.amount - total,
        per_traveler=round_money(total / request.travelers, currency),
        savings=[],
        exchange_rate_date=rates.rate_date,
    )


def activity_cost(activity: ActivityDraft, currency: str) -> Decimal:
    """One traveller's cost of an activity in `currency`, unrounded."""
    return _Rates(currency).convert(activity.cost, activity.currency)


def describe(amount: Decimal, currency: str) -> str:
    """ "1,234.50 EUR"."""
    return f"{format_amount(amount, currency)} {currency}"
