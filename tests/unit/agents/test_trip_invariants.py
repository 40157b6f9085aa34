"""A table of destinations and dates, and what must hold for every trip the offline engine
plans there: nothing that contradicts the place, the season or the daylight, honest money,
and every interest served or warned about."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from services.agents.meals import meals_share, paid_meals
from services.agents.pricing import fixed_costs
from services.agents.request import Pace, TripRequest
from services.agents.schemas import BudgetDraft, GuideDraft, ItineraryDraft
from services.budget.estimator import BudgetEstimator
from services.guide.advisor import Advisor
from services.planner.planner import Planner
from services.travel.money import Money
from services.travel.places import Place
from tests.unit.agents.support import ScriptedChain, trip

EUROS = Money(Decimal(3000), "EUR")


@dataclass(frozen=True)
class Case:
    destination: str
    start: date
    days: int = 4
    interests: tuple[str, ...] = ("nature", "beach", "adventure", "food")
    budget: Money = EUROS
    pace: Pace = Pace.BALANCED
    inland: bool = False

    def request(self) -> TripRequest:
        return trip(
            destination=self.destination,
            start_date=self.start,
            days=self.days,
            interests=self.interests,
            budget=self.budget,
            pace=self.pace,
        )


CASES = [
    Case("Nairobi", date(2027, 3, 10), interests=("nature", "wildlife", "beach"), inland=True),
    Case("Denver", date(2027, 7, 1), inland=True),
    Case("Madrid", date(2027, 8, 1), inland=True, pace=Pace.PACKED),
    Case("Kyoto", date(2027, 4, 1), budget=Money(Decimal(150000), "JPY"), inland=True),
    Case("Zermatt", date(2027, 2, 1), inland=True),
    Case("Reykjavik", date(2027, 1, 15), budget=Money(Decimal(800), "EUR")),
    Case("Tromso", date(2027, 12, 10), pace=Pace.PACKED),
    Case("Lisbon", date(2027, 5, 1), interests=("food", "history")),
    Case("Sydney", date(2027, 1, 10)),
    Case("Sydney", date(2027, 7, 10)),
    Case("Cape Town", date(2027, 12, 22), days=6),
    Case("Buenos Aires", date(2027, 7, 7)),
    Case("Bangkok", date(2027, 4, 12), interests=("food", "culture", "nightlife")),
]

# Words of activities that need the sea, a lake or a river at hand.
_WATER = re.compile(
    r"\b(beach|boat|waterfront|seafront|coast\w*|snorkel\w*|surf|kayak|coves?|sand|"
    r"lakeside|riverside|paddle\w*|dive|swim\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Planned:
    place: Place
    draft: ItineraryDraft
    warnings: list[str]
    estimate: BudgetDraft
    guide: GuideDraft


_plans: dict[Case, Planned] = {}


async def _planned(case: Case) -> Planned:
    """The whole offline trip for a case, planned once for all the invariants."""
    if case not in _plans:
        request = case.request()
        drafted = await Planner(ScriptedChain()).draft(request)
        estimate = await BudgetEstimator(ScriptedChain()).estimate(request, drafted.value)
        guide = await Advisor(ScriptedChain()).advise(request, drafted.value)
        _plans[case] = Planned(
            place=drafted.value.place,
            draft=drafted.value.draft,
            warnings=drafted.warnings,
            estimate=estimate.value,
            guide=guide.value,
        )
    return _plans[case]


def _id(case: Case) -> str:
    return f"{case.destination}-{case.start}"


@pytest.mark.parametrize("case", [c for c in CASES if c.inland], ids=_id)
async def test_inland_cities_get_no_beach_boat_or_waterfront(case: Case) -> None:
    planned = await _planned(case)
    for day in planned.draft.days:
        for activity in day.activities:
            assert not _WATER.search(f"{activity.title} {activity.description}"), (
                f"{day.date}: {activity.title}"
            )


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_nights_are_days_minus_one(case: Case) -> None:
    lodging = (await _planned(case)).estimate.line_items[0]
    assert lodging.category == "lodging"
    assert f"x {case.days - 1} night(s)" in lodging.description


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_paid_meals_are_not_counted_twice(case: Case) -> None:
    planned = await _planned(case)
    style = planned.draft.travel_style
    full = fixed_costs(case.request(), planned.place, style)
    allowance = next(i.amount for i in full if i.category == "food")
    food = next(i.amount for i in planned.estimate.line_items if i.category == "food")
    share = meals_share(paid_meals(planned.draft.days))
    per_day = allowance / case.days
    # to rounding (yen have no cents): a paid dinner alone is 45 % of a day's allowance
    assert abs(food - per_day * (case.days - share)) <= per_day / 100


@pytest.mark.parametrize(
    ("case", "season"),
    [(CASES[8], "summer"), (CASES[9], "winter"), (CASES[10], "summer"), (CASES[11], "winter")],
    ids=lambda x: _id(x) if isinstance(x, Case) else x,
)
async def test_southern_hemisphere_seasons(case: Case, season: str) -> None:
    planned = await _planned(case)
    assert planned.guide.season == season
    swims = [
        a.title
        for d in planned.draft.days
        for a in d.activities
        if re.search(r"\b(swim|surf|snorkel\w*|beach (afternoon|club))\b", a.title, re.I)
    ]
    if season == "winter":
        assert swims == []
