"""Rule checks of filled answers: the rules a schema cannot express.

Each check returns a list of violations (empty = acceptable), phrased so that a
model re-asked with them knows exactly what to change. The same checks guard the
offline engine's answers, model answers, and itineraries that arrive over the wire.
"""

from collections.abc import Collection
from datetime import timedelta
from decimal import Decimal

from services.agents import pacing
from services.agents.request import TripRequest
from services.agents.schemas import (
    REQUIRED_TIP_CATEGORIES,
    BudgetDraft,
    DayDraft,
    GuideDraft,
    ItineraryDraft,
    TipDraft,
)
from services.travel.money import round_money
from services.travel.seasons import SEASONS
from services.travel.text import fold

MIN_PHRASES = 3


def check_itinerary(
    draft: ItineraryDraft,
    request: TripRequest,
    *,
    currencies: Collection[str] = (),
    revision: bool = False,
) -> list[str]:
    """Violations of an itinerary for `request`.

    `currencies`: the currencies activity costs may be in (any when empty).
    `revision`: a revised day may hold fewer activities than the pace asks (cuts are allowed).
    """
    problems = _check_calendar(draft, request)
    seen: dict[str, str] = {}
    fewest, most = pacing.bounds(request.pace)
    if revision:
        fewest = 1
    for day in draft.days:
        count = len(day.activities)
        if not fewest <= count <= most:
            problems.append(
                f"{day.date} has {count} activities; a {request.pace.value} day needs "
                f"{fewest} to {most}"
            )
        problems += _check_times(day)
        problems += _check_costs(day, currencies)
        for activity in day.activities:
            key = fold(activity.title)
            if key in seen:
                problems.append(
                    f'"{activity.title}" appears on {seen[key]} and {day.date}; '
                    "never repeat an activity"
                )
            seen.setdefault(key, day.date.isoformat())
    return problems


def _check_calendar(draft: ItineraryDraft, request: TripRequest) -> list[str]:
    problems: list[str] = []
    if len(draft.days) != request.days:
        problems.append(
            f"the itinerary has {len(draft.days)} days; it must have exactly {request.days}, "
            f"one per day from {request.start_date} to {request.end_date}"
        )
    for index, day in enumerate(draft.days):
        expected = request.start_date + timedelta(days=index)
        if day.date != expected:
            where = (
                "outside the trip"
                if not request.start_date <= day.date <= request.end_date
                else "out of order"
            )
            problems.append(f"day {index + 1} is dated {day.date} ({where}); it must be {expected}")
    return problems


def _check_times(day: DayDraft) -> list[str]:
    problems: list[str] = []
    previous_end, previous_title = 0, ""
    for activity in day.activities:
        start = pacing.minutes(activity.start_time)
        end = start + activity.duration_minutes
        if start < pacing.EARLIEST_START:
            problems.append(f'{day.date}: "{activity.title}" starts before 06:00')
        if end > pacing.LATEST_END:
            problems.append(
                f'{day.date}: "{activity.title}" ({activity.start_time}, '
                f"{activity.duration_minutes} min) runs past midnight"
            )
        if start < previous_end:
            problems.append(
                f'{day.date}: "{activity.title}" starts at {activity.start_time}, before '
                f'"{previous_title}" ends at {pacing.hhmm(previous_end)}; activities must be '
                "in start-time order and must not overlap"
            )
        previous_end, previous_title = max(previous_end, end), activity.title
    return problems


def _check_costs(day: DayDraft, currencies: Collection[str]) -> list[str]:
    problems: list[str] = []
    for activity in day.activities:
        if not activity.cost.is_finite() or activity.cost < 0:
            problems.append(
                f'{day.date}: "{activity.title}" has cost {activity.cost}; costs are 0 or more'
            )
        if currencies and activity.currency not in currencies:
            allowed = " or ".join(sorted(currencies))
            problems.append(
                f'{day.date}: "{activity.title}" is priced in {activity.currency}; use {allowed}'
            )
    return problems


def check_revision(
    revised: ItineraryDraft,
    original: ItineraryDraft,
    request: TripRequest,
    *,
    revised_total: Decimal,
    original_total: Decimal,
    target_total: Decimal,
    currencies: Collection[str] = (),
) -> list[str]:
    """Violations of a revision: the itinerary rules, the same days, and a lower cost unless
    nothing is left to cut (then the trip stays over budget, and says why)."""
    problems = check_itinerary(revised, request, currencies=currencies, revision=True)
    if [d.date for d in revised.days] != [d.date for d in original.days]:
        problems.append("a revision must keep every day and its date")
    cheaper_possible = not nothing_left_to_cut(revised)
    if original_total > target_total and revised_total >= original_total and cheaper_possible:
        problems.append(
            f"the revision costs {revised_total}, not less than the original {original_total}; "
            f"bring it towards {target_total} by replacing or dropping paid activities"
        )
    return problems


def nothing_left_to_cut(draft: ItineraryDraft) -> bool:
    """Whether only lodging, food and transport at budget prices remain: every activity is
    free and the travel style is the cheapest. No revision can cost less than that."""
    free = all(a.cost == 0 for day in draft.days for a in day.activities)
    return free and draft.travel_style == "budget"


def check_budget(draft: BudgetDraft, request: TripRequest) -> list[str]:
    """Violations of a budget estimate: exact sums and consistent figures."""
    problems: list[str] = []
    currency = request.budget.currency
    if draft.currency != currency:
        problems.append(f"the estimate is in {draft.currency}; it must be in {currency}")
    amounts = [draft.total, draft.remaining, draft.per_traveler]
    amounts += [item.amount for item in draft.line_items]
    if not all(amount.is_finite() for amount in amounts):
        return [*problems, "every amount must be a finite number"]
    categories = [fold(item.category) for item in draft.line_items]
    if len(set(categories)) != len(categories):
        problems.append("each category may appear once in the line items")
    if any(item.amount < 0 for item in draft.line_items):
        problems.append("line item amounts must not be negative")
    items_sum = sum((item.amount for item in draft.line_items), Decimal(0))
    if items_sum != draft.total:
        problems.append(f"the line items sum to {items_sum}, not to the total {draft.total}")
    if draft.remaining != request.budget.amount - draft.total:
        problems.append("remaining must be the budget minus the total")
    if draft.within_budget != (draft.total <= request.budget.amount):
        problems.append("within_budget must say whether the total is at most the budget")
    if draft.per_traveler != round_money(draft.total / request.travelers, currency):
        problems.append("per_traveler must be the total divided by the travellers, rounded")
    if not draft.within_budget and not draft.savings:
        problems.append("an over-budget estimate needs savings suggestions")
    return problems


def check_savings(savings: list[str], *, over_budget: bool) -> list[str]:
    """Violations of savings suggestions."""
    problems: list[str] = []
    if over_budget and not savings:
        problems.append("give at least one concrete way to save")
    if any(not text.strip() or len(text) > 400 for text in savings):
        problems.append("each suggestion must be one to 400 characters")
    if len(savings) > 8:
        problems.append("give at most 8 suggestions")
    return problems


def check_tips(tips: list[TipDraft]) -> list[str]:
    """Violations of the tips: what a model writes of the guide's advice."""
    problems: list[str] = []
    categories = {fold(tip.category) for tip in tips}
    missing = [c for c in REQUIRED_TIP_CATEGORIES if c not in categories]
    if missing:
        problems.append(f"add tips for: {', '.join(missing)}")
    texts = [fold(tip.text) for tip in tips]
    if len(set(texts)) != len(texts):
        problems.append("tips must not repeat")
    return problems


def check_guide(draft: GuideDraft, *, time_zone: str) -> list[str]:
    """Violations of the whole advice, tips and the tools' season and phrases together."""
    problems = check_tips(list(draft.tips))
    if len(draft.phrases) < MIN_PHRASES:
        problems.append(f"give at least {MIN_PHRASES} phrases in the local language")
    if draft.season not in SEASONS:
        problems.append(f"season must be one of: {', '.join(SEASONS)}")
    if draft.time_zone != time_zone:
        problems.append(f"time_zone must be {time_zone}")
    return problems
