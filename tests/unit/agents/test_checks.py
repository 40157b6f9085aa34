"""Rule checks of filled answers."""

from datetime import timedelta
from decimal import Decimal

from services.agents.checks import check_guide, check_itinerary, check_savings
from services.agents.schemas import ActivityDraft, DayDraft, ItineraryDraft
from services.guide.offline_advice import advise
from services.planner.offline_itinerary import draft_itinerary
from services.travel.places import resolve_place
from tests.unit.agents.support import trip


def _draft() -> ItineraryDraft:
    return draft_itinerary(trip(), resolve_place("Lisbon").place)


def _with_day(draft: ItineraryDraft, index: int, **changes: object) -> ItineraryDraft:
    days = list(draft.days)
    days[index] = days[index].model_copy(update=changes)
    return draft.model_copy(update={"days": days})


def _with_activity(
    draft: ItineraryDraft, day: int, index: int, **changes: object
) -> ItineraryDraft:
    activities = list(draft.days[day].activities)
    activities[index] = activities[index].model_copy(update=changes)
    return _with_day(draft, day, activities=activities)


def test_offline_draft_passes() -> None:
    assert check_itinerary(_draft(), trip(), currencies={"EUR"}) == []


def test_wrong_number_of_days() -> None:
    draft = _draft()
    short = draft.model_copy(update={"days": draft.days[:3]})
    assert any("exactly 4" in p for p in check_itinerary(short, trip()))


def test_dates_outside_the_trip() -> None:
    draft = _with_day(_draft(), 3, date=trip().start_date + timedelta(days=10))
    assert any("outside the trip" in p for p in check_itinerary(draft, trip()))


def test_duplicates_are_refused() -> None:
    draft = _draft()
    title = draft.days[0].activities[0].title
    assert any("never repeat" in p for p in check_itinerary(
        _with_activity(draft, 2, 0, title=title.upper()), trip()
    ))  # fmt: skip


def test_negative_cost_and_wrong_currency() -> None:
    draft = _with_activity(_draft(), 0, 1, cost=Decimal("-5"))
    assert any("costs are 0 or more" in p for p in check_itinerary(draft, trip()))
    draft = _with_activity(_draft(), 0, 1, currency="JPY")
    assert any("use EUR" in p for p in check_itinerary(draft, trip(), currencies={"EUR"}))


def test_times_must_fit_the_day() -> None:
    late = _with_activity(_draft(), 1, 2, start_time="23:00", duration_minutes=120)
    assert any("past midnight" in p for p in check_itinerary(late, trip()))
    early = _with_activity(_draft(), 1, 0, start_time="04:30")
    assert any("before 06:00" in p for p in check_itinerary(early, trip()))
    overlap = _with_activity(_draft(), 1, 1, start_time="10:00")
    assert any("must not overlap" in p for p in check_itinerary(overlap, trip()))


def test_pace_bounds() -> None:
    draft = _draft()
    crowded = [
        ActivityDraft(
            title=f"Stop {i}", category="food", start_time=f"{8 + 2 * i:02d}:00",
            duration_minutes=60, cost=Decimal(0), currency="EUR",
        )
        for i in range(7)
    ]  # fmt: skip
    days = [DayDraft(date=d.date, activities=crowded if i == 0 else d.activities)
            for i, d in enumerate(draft.days)]  # fmt: skip
    problems = check_itinerary(draft.model_copy(update={"days": days}), trip())
    assert any("needs 2 to 4" in p for p in problems)


def test_guide_checks() -> None:
    place = resolve_place("Lisbon").place
    guide = advise(trip(), place, None)
    assert check_guide(guide, time_zone="Europe/Lisbon") == []
    bare = guide.model_copy(update={"tips": guide.tips[:1], "phrases": [], "season": "monsoon"})
    problems = check_guide(bare, time_zone="Asia/Tokyo")
    assert len(problems) == 4


def test_savings_checks() -> None:
    assert check_savings([], over_budget=True) == ["give at least one concrete way to save"]
    assert check_savings([], over_budget=False) == []
    assert check_savings(["x" * 500], over_budget=True)
