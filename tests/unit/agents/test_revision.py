"""Offline revisions: cheaper, same days."""

from decimal import Decimal

import pytest

from services.agents.checks import check_itinerary
from services.agents.pricing import price_itinerary
from services.agents.request import Pace
from services.agents.schemas import ItineraryDraft
from services.planner.changes import revision_notes
from services.planner.offline_itinerary import draft_itinerary
from services.planner.offline_revision import revise_itinerary
from services.travel.money import Money
from services.travel.places import Place, resolve_place
from tests.unit.agents.support import trip

REQUEST = trip(interests=("food",), pace=Pace.RELAXED, budget=Money(Decimal(2000), "EUR"))


def _setup() -> tuple[Place, ItineraryDraft, Decimal]:
    place = resolve_place("Lisbon").place
    draft = draft_itinerary(REQUEST, place)
    return place, draft, price_itinerary(REQUEST, place, draft).total


@pytest.mark.parametrize("share", ["0.95", "0.8", "0.5"])
@pytest.mark.parametrize("cuts", [(), ("activities",), ("lodging",)])
def test_revision_lowers_the_cost_and_keeps_the_days(share: str, cuts: tuple[str, ...]) -> None:
    place, draft, before = _setup()
    target = before * Decimal(share)
    revised = revise_itinerary(REQUEST, place, draft, target, cuts)
    after = price_itinerary(REQUEST, place, revised).total
    assert after < before
    assert after <= target
    assert [d.date for d in revised.days] == [d.date for d in draft.days]
    assert all(d.activities for d in revised.days)
    assert check_itinerary(revised, REQUEST, revision=True) == []


def test_cutting_lodging_lowers_the_style_first() -> None:
    place, draft, before = _setup()
    revised = revise_itinerary(REQUEST, place, draft, before - Decimal(100), ["lodging"])
    assert revised.travel_style != draft.travel_style
    assert revised.days == draft.days  # the activities could stay


def test_activities_are_swapped_before_the_style_by_default() -> None:
    place, draft, before = _setup()
    revised = revise_itinerary(REQUEST, place, draft, before - Decimal(50), [])
    assert revised.travel_style == draft.travel_style
    notes = revision_notes(draft, revised)
    assert notes
    assert all("replaced" in note for note in notes)


def test_an_unreachable_target_gives_the_cheapest_plan() -> None:
    place, draft, _ = _setup()
    revised = revise_itinerary(REQUEST, place, draft, Decimal(1), [])
    assert revised.travel_style == "budget"
    assert all(a.cost == 0 for d in revised.days for a in d.activities)
    assert check_itinerary(revised, REQUEST, revision=True) == []


def test_revision_is_deterministic() -> None:
    place, draft, before = _setup()
    one = revise_itinerary(REQUEST, place, draft, before * Decimal("0.7"), ["food"])
    two = revise_itinerary(REQUEST, place, draft, before * Decimal("0.7"), ["food"])
    assert one.model_dump_json() == two.model_dump_json()
