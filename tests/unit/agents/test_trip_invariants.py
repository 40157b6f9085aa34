"""A table of destinations and dates, and what must hold for every trip the offline engine
plans there: nothing that contradicts the place, the season or the daylight, honest money,
and every interest served or warned about."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from services.agents import pacing
from services.agents.meals import meals_share, paid_meals
from services.agents.pricing import fixed_costs
from services.agents.request import Pace, TripRequest
from services.agents.schemas import BudgetDraft, GuideDraft, ItineraryDraft
from services.budget.estimator import BudgetEstimator
from services.guide.advisor import Advisor
from services.planner.activities import half_day_trips, pool_for, what_the_place_offers
from services.planner.day_plan import DAY_END, between
from services.planner.interests import _WHY_NOT
from services.planner.place_checks import check_place
from services.planner.planner import Planner
from services.travel.activity_templates import (
    FOCUSED,
    GENERAL,
    Template,
    canonical_interest,
    catalogue,
    focused_templates,
    interests,
)
from services.travel.daylight import daylight
from services.travel.money import Money
from services.travel.places import Place, resolve_place
from services.travel.public_holidays import holidays_between
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
    Case("Innsbruck", date(2027, 1, 18), interests=("adventure", "nature", "family")),
    Case("Innsbruck", date(2027, 7, 12), interests=("adventure", "nature", "family")),
    Case("Budapest", date(2027, 6, 14), interests=("nature", "family", "architecture")),
    Case("Amsterdam", date(2027, 1, 18), interests=("adventure", "nature", "hiking")),
]

# Words of activities that need snow on the ground, mountains, or at least hills.
_SNOW = re.compile(r"\b(ski\w*|snowboard\w*|snowshoe\w*|sledg\w*)\b", re.IGNORECASE)
_MOUNTAINS = re.compile(
    r"\b(challenging half-day hike|paragliding|rafting|canyoning|cable car|mountain railway)\b",
    re.IGNORECASE,
)
_HILLS = re.compile(r"\bhike to a viewpoint\b", re.IGNORECASE)

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
async def test_snow_and_mountain_activities_only_where_terrain_and_season_fit(case: Case) -> None:
    planned = await _planned(case)
    offered = what_the_place_offers(planned.place, case.request())
    for day in planned.draft.days:
        for activity in day.activities:
            where = f"{day.date}: {activity.title}"
            if _SNOW.search(activity.title):
                assert "snow" in offered, where
            if _MOUNTAINS.search(activity.title):
                assert "mountains" in offered, where
            if _HILLS.search(activity.title):
                assert "hills" in offered, where


def _pool_keys(case: Case) -> set[str]:
    request = case.request()
    place = resolve_place(case.destination).place
    pool = pool_for(place, request)
    return {t.key for interest in (*interests(), GENERAL) for t in pool.ordered(interest)}


def test_winter_in_the_alps_offers_snow_and_summer_none() -> None:
    winter, summer = _pool_keys(CASES[13]), _pool_keys(CASES[14])
    snow = {"adventure.ski", "nature.snowshoe", "family.sledging"}
    assert snow <= winter
    assert not snow & summer
    assert {"adventure.hard-hike", "nature.mountain-lift"} <= winter & summer


async def test_a_city_on_a_great_river_gets_river_activities() -> None:
    budapest = await _planned(CASES[15])
    titles = [a.title for d in budapest.draft.days for a in d.activities]
    assert any(re.search(r"\b(river|boat|waterfront)\b", t, re.I) for t in titles), titles


def test_flat_land_offers_no_climb() -> None:
    amsterdam = _pool_keys(CASES[16])
    climbs = {"nature.viewpoint-hike", "adventure.hard-hike", "adventure.paragliding"}
    assert not climbs & amsterdam
    assert "nature.forest" in amsterdam  # a walk in the woods still serves "hiking"


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


def _templates(place: Place) -> dict[str, Template]:
    """Title in this place -> the template it came from."""
    every = [t for found in catalogue().values() for t in found] + list(half_day_trips(place))
    return {t.title_for(place.name): t for t in every}


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_outdoor_activities_lie_in_daylight_and_sunsets_at_sunset(case: Case) -> None:
    planned = await _planned(case)
    templates, place = _templates(planned.place), planned.place
    for day in planned.draft.days:
        light = daylight(place.latitude, place.longitude, place.time_zone, day.date)
        for activity in day.activities:
            template = templates.get(activity.title)
            start = pacing.minutes(activity.start_time)
            end = start + activity.duration_minutes
            where = f"{day.date} {activity.start_time} {activity.title} ({light})"
            if template is None or template.light == "":
                continue
            if template.light == "day":
                assert light.covers(start, end), where
            elif template.light == "sunset":
                assert start <= light.sunset <= end, where
            else:
                assert start == pytest.approx(light.sunrise, abs=10), where


@pytest.mark.parametrize("case", [c for c in CASES if c.destination in ("Reykjavik", "Tromso")])
async def test_high_latitude_winter_keeps_outdoor_plans_to_the_short_day(case: Case) -> None:
    planned = await _planned(case)
    templates = _templates(planned.place)
    outdoor = [
        (d.date, a.start_time)
        for d in planned.draft.days
        for a in d.activities
        if (t := templates.get(a.title)) is not None and t.light in ("day", "sunrise")
    ]
    if case.destination == "Tromso":  # polar night: nothing that needs the sun
        assert outdoor == []
    else:
        assert outdoor
        assert all(start >= "11:00" for _, start in outdoor)


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_activities_leave_time_to_get_from_one_to_the_next(case: Case) -> None:
    planned = await _planned(case)
    templates = _templates(planned.place)
    for day in planned.draft.days:
        previous = None
        for activity in day.activities:
            template = templates.get(activity.title)
            start = pacing.minutes(activity.start_time)
            if previous is not None and template is not None:
                (end, before) = previous
                assert start >= end + between(before, template), f"{day.date} {activity.title}"
            assert start + activity.duration_minutes <= DAY_END
            previous = (start + activity.duration_minutes, template) if template else None


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_activities_keep_their_usual_length(case: Case) -> None:
    planned = await _planned(case)
    templates = _templates(planned.place)
    for day in planned.draft.days:
        for activity in day.activities:
            template = templates.get(activity.title)
            if template is not None:
                assert activity.duration_minutes == template.minutes, activity.title


async def test_meals_at_local_hours() -> None:
    madrid = await _planned(CASES[2])
    dinners = [
        a.start_time
        for d in madrid.draft.days
        for a in d.activities
        if re.search(r"\bdinner\b", a.title, re.I)
    ]
    assert all(start >= "20:30" for start in dinners)  # Spain dines late, not at 19:30


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_every_interest_is_served_or_warned_about(case: Case) -> None:
    planned = await _planned(case)
    categories = {canonical_interest(a.category) for d in planned.draft.days for a in d.activities}
    for text in case.interests:
        interest = canonical_interest(text)
        served = interest in categories or (
            interest in FOCUSED
            and any(
                a.title in {t.title_for(planned.place.name) for t in focused_templates()[interest]}
                for d in planned.draft.days
                for a in d.activities
            )
        )
        warned = any(f'"{text}"' in w for w in planned.warnings)
        assert served != warned, (text, planned.warnings)


async def test_wildlife_is_reserves_zoos_and_birds_not_generic_nature() -> None:
    nairobi = await _planned(CASES[0])
    titles = [a.title for d in nairobi.draft.days for a in d.activities]
    assert any(re.search(r"reserve|zoo|bird", t, re.I) for t in titles)
    assert any('"beach"' in w and "neither the sea" in w for w in nairobi.warnings)


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_public_holidays_during_the_trip_are_mentioned(case: Case) -> None:
    planned = await _planned(case)
    place = planned.place
    expected = holidays_between(place.country_code, case.start, case.request().end_date)
    tips = [t.text for t in planned.guide.tips if t.category == "holidays"]
    if not expected:
        assert tips == []
        return
    (tip,) = tips
    for _, name in expected[:5]:
        assert name in tip


@pytest.mark.parametrize(
    ("case", "holiday"),
    [(CASES[10], "Christmas Day"), (CASES[11], "Independence Day"), (CASES[12], "Songkran")],
    ids=lambda x: _id(x) if isinstance(x, Case) else x,
)
async def test_known_holidays_are_named(case: Case, holiday: str) -> None:
    planned = await _planned(case)
    assert any(holiday in t.text for t in planned.guide.tips if t.category == "holidays")


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_tips_follow_the_region_not_european_defaults(case: Case) -> None:
    planned = await _planned(case)
    text = " ".join(t.text for t in planned.guide.tips)
    if planned.place.continent != "EU":
        assert "menus of the day" not in text.lower()
    if planned.place.continent == "AF":
        assert "multi-day pass" not in text


async def test_the_trip_says_its_activities_are_generic() -> None:
    lisbon = await _planned(CASES[7])
    assert any("rather than named sights" in w for w in lisbon.warnings)


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_offline_plans_pass_the_checks_model_answers_must_pass(case: Case) -> None:
    planned = await _planned(case)
    assert check_place(planned.draft, case.request(), planned.place) == []


@pytest.mark.parametrize("case", CASES, ids=_id)
async def test_named_meals_at_meal_times(case: Case) -> None:
    windows = {"breakfast": ("06:30", "10:30"), "lunch": ("11:00", "15:00")}
    windows["dinner"] = ("17:30", "22:30")
    planned = await _planned(case)
    for day in planned.draft.days:
        for activity in day.activities:
            for meal, (first, last) in windows.items():
                if re.search(rf"\b{meal}\b", activity.title, re.I):
                    assert first <= activity.start_time <= last, (day.date, activity.title)


async def test_no_swimming_advice_out_of_swimming_weather() -> None:
    reykjavik = await _planned(CASES[5])
    beach = [t.text for t in reykjavik.guide.tips if t.category == "beach"]
    assert all("not swimming weather" in text for text in beach)


def test_every_need_of_the_catalogue_has_a_reason_to_give_when_unmet() -> None:
    needs = {need for group in catalogue().values() for t in group for need in t.needs}
    assert needs <= set(_WHY_NOT)
    winter_in_the_alps = what_the_place_offers(
        resolve_place("Innsbruck").place, CASES[13].request()
    )
    assert {"river", "water", "hills", "mountains", "snow"} <= winter_in_the_alps


async def test_the_guide_speaks_of_mountains_only_where_there_are_some() -> None:
    winter, summer, budapest = [await _planned(CASES[i]) for i in (13, 14, 15)]

    def season_tip(planned: Planned) -> str:
        return next(t.text for t in planned.guide.tips if t.category == "season")

    assert "expect snow" in season_tip(winter)
    assert "Mountains" in season_tip(summer)
    assert "snow" not in season_tip(summer)
    assert "Mountains" not in season_tip(budapest)
