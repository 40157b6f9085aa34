"""The offline engine's itineraries: deterministic drafts from the shipped catalogue.

The same request gives the same draft, byte for byte: every choice follows an
order seeded by a SHA-256 of the normalized request, never Python's hash().
"""

from datetime import date
from decimal import Decimal

from services.agents import pacing
from services.agents.pricing import activity_currency, costs_for, fixed_costs
from services.agents.request import TripRequest
from services.agents.schemas import ActivityDraft, DayDraft, ItineraryDraft, TravelStyle
from services.planner.activities import activity, pick, pool_for, preference
from services.travel import fx
from services.travel.activity_templates import GENERAL, canonical_interest
from services.travel.money import round_money
from services.travel.places import Place

FREE_TIME = "free time"
_PART_NAMES = {"m": "morning", "a": "afternoon", "e": "evening"}
_FREE_MINUTES = 120
_DEFAULT_INTERESTS = ("culture", "food", "history")
_ALL_TIERS = frozenset({"free", "low", "mid", "high"})
_THRIFTY_TIERS = frozenset({"free", "low", "mid"})
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
    """The offline draft: one dated day per requested day, its slots filled by the pace."""
    style = choose_style(request, place)
    wanted, _ = plan_interests(request)
    pool = pool_for(place, request)
    tiers = _THRIFTY_TIERS if style == "budget" else _ALL_TIERS
    used: set[str] = set()
    days = []
    for day_index, day in enumerate(request.dates()):
        activities: list[ActivityDraft] = []
        for slot_index, slot in enumerate(pacing.slots(request.pace)):
            order = preference(wanted, day_index + slot_index)
            chosen = pick(pool, order, used, slot.part, slot.max_minutes, tiers)
            chosen = chosen or pick(pool, order, used, slot.part, slot.max_minutes, _ALL_TIERS)
            if chosen is None:  # the catalogue ran out (long trips): honest free time instead
                activities.append(free_time(place, request, day, slot))
                continue
            used.add(chosen.key)
            activities.append(activity(chosen, place, request, style, slot.start, slot.max_minutes))
        days.append(DayDraft(date=day, summary=_summary(activities, place), activities=activities))
    return ItineraryDraft(travel_style=style, days=days)


def free_time(place: Place, request: TripRequest, day: date, slot: pacing.Slot) -> ActivityDraft:
    """A slot left to the traveller, titled by its date and time so that no title repeats."""
    part = _PART_NAMES[slot.part]
    return ActivityDraft(
        title=f"Free {part} in {place.name} ({day.isoformat()}, {slot.start})",
        category=FREE_TIME,
        start_time=slot.start,
        duration_minutes=min(_FREE_MINUTES, slot.max_minutes),
        cost=round_money(Decimal(0), activity_currency(place, request)),
        currency=activity_currency(place, request),
        description="Time of your own: rest, go back to a favourite spot or follow a local tip.",
    )


def _summary(activities: list[ActivityDraft], place: Place) -> str:
    themes = list(
        dict.fromkeys(a.category for a in activities if a.category not in (GENERAL, FREE_TIME))
    )
    if not themes:
        return f"Sightseeing in {place.name}"
    listed = themes[0] if len(themes) == 1 else f"{', '.join(themes[:-1])} and {themes[-1]}"
    return f"{listed.capitalize()} in {place.name}"
