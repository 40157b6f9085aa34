"""The offline engine's itineraries: deterministic, and faithful to the request."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from services.agents import pacing
from services.agents.checks import check_itinerary
from services.agents.itinerary import PlannedItinerary
from services.agents.protos import itinerary_to_proto
from services.agents.request import Pace
from services.agents.schemas import ItineraryDraft
from services.planner.offline_itinerary import draft_itinerary
from services.travel.activity_templates import GENERAL
from services.travel.places import resolve_place
from tests.unit.agents.support import START, trip

_ROOT = Path(__file__).resolve().parents[3]


def _draft(**changes: object) -> ItineraryDraft:
    request = trip(**changes)
    return draft_itinerary(request, resolve_place(request.destination).place)


def test_same_request_same_bytes() -> None:
    first, second = _draft(), _draft()
    assert first.model_dump_json().encode() == second.model_dump_json().encode()
    place = resolve_place("Lisbon").place
    one = itinerary_to_proto(PlannedItinerary(place, first)).SerializeToString(deterministic=True)
    two = itinerary_to_proto(PlannedItinerary(place, second)).SerializeToString(deterministic=True)
    assert one == two


def test_same_bytes_in_another_process_with_another_hash_seed() -> None:
    script = (
        "from services.planner.offline_itinerary import draft_itinerary;"
        "from services.travel.places import resolve_place;"
        "from tests.unit.agents.support import trip;"
        "r = trip(); print(draft_itinerary(r, resolve_place(r.destination).place)"
        ".model_dump_json(), end='')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": f"{_ROOT / 'protos'}:{_ROOT}"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=_ROOT, capture_output=True, check=True
    )
    assert out.stdout == _draft().model_dump_json().encode()


def test_a_different_request_gives_a_different_plan() -> None:
    assert _draft().model_dump_json() != _draft(interests=("art",)).model_dump_json()


@pytest.mark.parametrize("pace", list(Pace))
def test_days_dates_and_pace(pace: Pace) -> None:
    request = trip(pace=pace, days=5)
    draft = draft_itinerary(request, resolve_place("Lisbon").place)
    assert [d.date for d in draft.days] == request.dates()
    assert draft.days[0].date == START
    slots = pacing.slots(pace)
    for day in draft.days:
        assert len(day.activities) == len(slots)
        first = pacing.minutes(day.activities[0].start_time)
        assert abs(first - pacing.minutes(slots[0].start)) <= 30 or first < 8 * 60  # sunrise
    # the days do not all start and run alike
    assert len({tuple(a.start_time for a in d.activities) for d in draft.days}) > 1
    assert check_itinerary(draft, request) == []


@pytest.mark.parametrize("destination", ["Rome", "Longyearbyen"])
def test_no_activity_repeats_even_on_a_long_packed_trip(destination: str) -> None:
    request = trip(destination=destination, days=30, pace=Pace.PACKED, interests=("history",))
    draft = draft_itinerary(request, resolve_place(destination).place)
    titles = [a.title for d in draft.days for a in d.activities]
    assert len(titles) == len(set(titles))
    # Full durations: a packed day holds three to five; free time where the catalogue ends.
    assert all(3 <= len(d.activities) <= 5 for d in draft.days)
    assert any(a.category == "free time" for a in draft.days[-1].activities)
    assert check_itinerary(draft, request) == []


def test_interests_are_respected() -> None:
    draft = _draft(interests=("art", "nightlife"))
    categories = Counter(a.category for d in draft.days for a in d.activities)
    assert categories["art"] + categories["nightlife"] >= 0.75 * sum(categories.values())
    evening = [d.activities[-1] for d in draft.days]
    assert any(a.category == "nightlife" for a in evening)


def test_relaxed_food_and_packed_history_differ_visibly() -> None:
    food = _draft(interests=("food",), pace=Pace.RELAXED)
    history = _draft(interests=("history",), pace=Pace.PACKED)
    assert all(len(d.activities) == 2 for d in food.days)
    assert all(len(d.activities) == 5 for d in history.days)
    assert {a.category for d in food.days for a in d.activities} == {"food"}
    history_titles = {a.title for d in history.days for a in d.activities}
    assert not history_titles & {a.title for d in food.days for a in d.activities}
    assert sum(a.category == "history" for d in history.days for a in d.activities) >= 12


@pytest.mark.parametrize(
    ("destination", "currency"),
    [("Tokyo", "JPY"), ("Reykjavik", "ISK"), ("Sydney", "AUD"), ("Hanoi", "EUR")],
)
def test_any_city_works_and_prices_are_local_when_convertible(
    destination: str, currency: str
) -> None:
    request = trip(destination=destination)
    draft = draft_itinerary(request, resolve_place(destination).place)
    assert check_itinerary(draft, request) == []
    assert {a.currency for d in draft.days for a in d.activities} == {currency}
    assert all(destination.split(",")[0] in d.summary or d.summary for d in draft.days)


def test_general_sightseeing_fills_in_when_no_interest_is_given() -> None:
    draft = _draft(interests=())
    assert all(d.activities for d in draft.days)
    assert {a.category for d in draft.days for a in d.activities} - {GENERAL} <= {
        "culture",
        "food",
        "history",
        "shopping",
        "architecture",
        "art",
    }


def test_travel_style_follows_the_budget() -> None:
    from decimal import Decimal

    from services.travel.money import Money

    assert _draft(budget=Money(Decimal(400), "EUR")).travel_style == "budget"
    assert _draft(budget=Money(Decimal(20000), "EUR")).travel_style == "comfort"
