"""The offline engine's itineraries: deterministic drafts from the shipped catalogue.

The same request gives the same draft, byte for byte: every choice follows an
order seeded by a SHA-256 of the normalized request, never Python's hash().
"""

from decimal import Decimal
from functools import lru_cache

from services.agents import pacing
from services.agents.pricing import costs_for, fixed_costs, price_itinerary
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, DayDraft, ItineraryDraft, TravelStyle
from services.planner.activities import pool_for, preference
from services.planner.day_plan import FREE_TIME, DayFiller, day_contexts
from services.travel import fx
from services.travel.activity_templates import GENERAL, canonical_interest
from services.travel.places import Place

_DEFAULT_INTERESTS = ("culture", "food", "history")
_ALL_TIERS = frozenset({"free", "low", "mid", "high"})
_THRIFTY_TIERS = frozenset({"free", "low", "mid"})
HIGHER_STYLE: dict[str, TravelStyle] = {"budget": "mid-range", "mid-range": "comfort"}
# Draft the next style up too when its estimate is at most this share of the budget.
_TRY_ABOVE = Decimal("1.1")
# Plan for a style only when it leaves this share of the budget unspent, for surprises.
_HEADROOM = Decimal("0.9")
# Average price of an activity relative to the typical paid one (a mix of free and paid).
_AVERAGE_TIER = Decimal("0.8")


def plan_interests(request: TripRequest) -> tuple[list[str], list[str]]:
    """The catalogue interests a request asks for, and warnings about the ones it cannot plan."""
    wanted: list[str] = []
    warnings: list[str] = []
    for text in request.interests:
        interest = canonical_interest(text)
        if interest is None or interest == GENERAL:
            if interest is None:
                warnings.append(f'No activities known for "{text}"; planned other interests.')
            continue
        if interest not in wanted:
            wanted.append(interest)
    if not wanted:
        wanted = list(_DEFAULT_INTERESTS)
        if not request.interests:
            warnings.append("No interests given; planned a mix of culture, food and history.")
    return wanted, warnings


@lru_cache(maxsize=1024)  # the style's choice and its note ask for the same estimates
def estimated_total(request: TripRequest, place: Place, style: TravelStyle) -> Decimal:
    """A quick estimate of a trip at a style, in the budget currency, to choose the style."""
    fixed = sum((item.amount for item in fixed_costs(request, place, style)), Decimal(0))
    per_day = len(pacing.slots(request.pace)) * costs_for(place, style).activity_unit
    usd = per_day * _AVERAGE_TIER * request.days * request.travelers
    return fixed + fx.convert(usd, "USD", request.budget.currency).amount


def style_fits(request: TripRequest, place: Place, style: TravelStyle) -> bool:
    """Whether the budget affords a style with some headroom."""
    return estimated_total(request, place, style) <= request.budget.amount * _HEADROOM


def choose_style(request: TripRequest, place: Place) -> TravelStyle:
    """The most comfortable style the budget affords with some headroom ("budget" at worst)."""
    styles: tuple[TravelStyle, ...] = ("comfort", "mid-range")
    for style in styles:
        if style_fits(request, place, style):
            return style
    return "budget"


def draft_itinerary(request: TripRequest, place: Place) -> ItineraryDraft:
    """The offline draft: one dated day per requested day, its slots filled by the pace,
    each activity at a time that suits it on that day (see day_plan).

    The style is the one the estimate affords; when the next one up was only just out of
    reach (its estimate at most _TRY_ABOVE times the budget: estimates run up to a fifth
    over the exact price), the plan is drafted at that style too and kept if its exact
    price leaves the headroom: a budget used sensibly rather than half of it unspent.
    """
    style = choose_style(request, place)
    draft = _draft_at(request, place, style)
    higher = HIGHER_STYLE.get(style)
    reach = request.budget.amount * _TRY_ABOVE
    if higher is not None and estimated_total(request, place, higher) <= reach:
        upgraded = _draft_at(request, place, higher)
        if price_itinerary(request, place, upgraded).total <= request.budget.amount * _HEADROOM:
            return upgraded
    return draft


def _draft_at(request: TripRequest, place: Place, style: TravelStyle) -> ItineraryDraft:
    wanted, _ = plan_interests(request)
    tiers = [_THRIFTY_TIERS, _ALL_TIERS] if style == "budget" else [_ALL_TIERS]
    filler = DayFiller(place, request, style, pool_for(place, request), set())
    contexts = day_contexts(place, request.dates(), request.seed())
    days = []
    for index, (day, context) in enumerate(zip(request.dates(), contexts, strict=True)):
        turns = range(index, index + len(pacing.slots(request.pace)))
        activities = filler.fill(day, context, [preference(wanted, t) for t in turns], tiers)
        days.append(DayDraft(date=day, summary=_summary(activities, place), activities=activities))
    return ItineraryDraft(travel_style=style, days=days)


def _summary(activities: list[ActivityDraft], place: Place) -> str:
    themes = list(
        dict.fromkeys(a.category for a in activities if a.category not in (GENERAL, FREE_TIME))
    )
    if not themes:
        return f"Sightseeing in {place.name}"
    listed = themes[0] if len(themes) == 1 else f"{', '.join(themes[:-1])} and {themes[-1]}"
    return f"{listed.capitalize()} in {place.name}"
