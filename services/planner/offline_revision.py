"""The offline engine's revisions: a cheaper itinerary with the same days.

Levers, tried in order until the priced total reaches the target: lower the
travel style first when lodging, food or transport are to be cut; swap paid
activities for free (else cheaper) ones that fit the same time; lower the travel
style; finally drop paid activities, keeping at least one activity a day.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.agents import pacing
from services.agents.pricing import activity_cost, price_itinerary
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, DayDraft, ItineraryDraft, TravelStyle
from services.planner.activities import Pool, activity, fits, pool_for, preference
from services.travel.activity_templates import GENERAL, Template, canonical_interest
from services.travel.places import Place
from services.travel.text import fold

_LOWER: dict[TravelStyle, TravelStyle] = {"comfort": "mid-range", "mid-range": "budget"}
_FIXED_CATEGORIES = {"lodging", "food", "transport"}


@dataclass
class _State:
    """The itinerary being revised, as mutable lists."""

    style: TravelStyle
    days: list[list[ActivityDraft]]
    summaries: list[str]
    dates: list[date]

    def draft(self) -> ItineraryDraft:
        return ItineraryDraft(
            travel_style=self.style,
            days=[
                DayDraft(date=d, summary=s, activities=a)
                for d, s, a in zip(self.dates, self.summaries, self.days, strict=True)
            ],
        )


class _Reviser:
    def __init__(
        self, request: TripRequest, place: Place, draft: ItineraryDraft, target: Decimal
    ) -> None:
        self.request, self.place, self.target = request, place, target
        self.currency = request.budget.currency
        self.state = _State(
            style=draft.travel_style,
            days=[list(d.activities) for d in draft.days],
            summaries=[d.summary for d in draft.days],
            dates=[d.date for d in draft.days],
        )

    def total(self) -> Decimal:
        return price_itinerary(self.request, self.place, self.state.draft()).total

    def over(self) -> bool:
        return self.total() > self.target

    def lower_style(self) -> None:
        while self.over() and self.state.style in _LOWER:
            self.state.style = _LOWER[self.state.style]

    def paid(self, cuts: set[str]) -> list[tuple[int, int]]:
        """(day, index) of paid activities: cut categories first, then the most expensive."""
        found = [
            (fold(a.category) not in cuts, -activity_cost(a, self.currency), d, i)
            for d, day in enumerate(self.state.days)
            for i, a in enumerate(day)
            if a.cost > 0
        ]
        return [(d, i) for _, _, d, i in sorted(found)]

    def swap_paid(self, cuts: set[str]) -> None:
        pool = pool_for(self.place, self.request)
        for d, i in self.paid(cuts):
            if not self.over():
                return
            current = self.state.days[d][i]
            replacement = self._replacement(pool, d, i, current)
            if replacement is not None:
                self.state.days[d][i] = replacement

    def _replacement(
        self, pool: Pool, d: int, i: int, current: ActivityDraft
    ) -> ActivityDraft | None:
        day = self.state.days[d]
        room = self._room(day, i)
        part = pacing.part_of_day(current.start_time)
        used = {fold(a.title) for days in self.state.days for a in days}
        interest = canonical_interest(current.category) or GENERAL
        others = preference([interest], 0)[1:]
        # the traveller's own interest first, even at a small price, then anything free
        steps = [([interest], "free"), ([interest], "low"), (others, "free"), (others, "low")]
        own_cost = activity_cost(current, self.currency)
        for names, tier in steps:
            for template in (t for name in names for t in pool.ordered(name)):
                if template.tier != tier or not fits(template, part, room):
                    continue
                if fold(template.title_for(self.place.name)) in used:
                    continue
                candidate = self._placed(template, current.start_time, room)
                if activity_cost(candidate, self.currency) < own_cost:
                    return candidate
        return None

    def _placed(self, template: Template, start: str, room: int) -> ActivityDraft:
        return activity(template, self.place, self.request, self.state.style, start, room)

    @staticmethod
    def _room(day: list[ActivityDraft], i: int) -> int:
        """Minutes from an activity's start to the next one's (or to midnight)."""
        start = pacing.minutes(day[i].start_time)
        after = [pacing.minutes(a.start_time) for a in day[i + 1 :]]
        return (min(after) if after else pacing.LATEST_END) - start

    def drop_paid(self) -> None:
        doomed = [(d, self.state.days[d][i]) for d, i in self.paid(set())]
        for d, item in doomed:
            if not self.over():
                return
            day = self.state.days[d]
            if len(day) > 1:  # a day keeps at least one activity
                day.remove(item)


def revise_itinerary(
    request: TripRequest,
    place: Place,
    draft: ItineraryDraft,
    target_total: Decimal,
    cut_categories: Sequence[str] = (),
) -> ItineraryDraft:
    """A cheaper version of `draft` (same days and dates), as close to `target_total` as the
    levers allow. `target_total` is in the budget's currency.
    """
    reviser = _Reviser(request, place, draft, target_total)
    cuts = {fold(c) for c in cut_categories}
    if cuts & _FIXED_CATEGORIES:
        reviser.lower_style()
    reviser.swap_paid(cuts)
    reviser.lower_style()
    reviser.drop_paid()
    return reviser.state.draft()
