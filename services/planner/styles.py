"""Why a plan has its travel style, in words for the traveller: what the style means,
what the next one up would cost, and what is left of the budget."""

from decimal import Decimal

from services.agents.pricing import describe, price_itinerary
from services.agents.request import TripRequest
from services.agents.schemas import ItineraryDraft, TravelStyle
from services.planner.offline_itinerary import estimated_total, style_fits
from services.travel.places import Place

MEANING: dict[str, str] = {
    "budget": "hostels and guesthouses, street food and casual places, public transport",
    "mid-range": "mid-range hotels, restaurants, public transport and the odd taxi",
    "comfort": "upscale hotels, fine restaurants and taxis",
}
_HIGHER: dict[str, TravelStyle] = {"budget": "mid-range", "mid-range": "comfort"}


def style_note(request: TripRequest, place: Place, draft: ItineraryDraft) -> str:
    """ "Travel style: budget (hostels ...): mid-range would cost about ...; ... is left."."""
    style, budget = draft.travel_style, request.budget
    total = price_itinerary(request, place, draft).total
    head = f"Travel style: {style} ({MEANING[style]})"
    if total > budget.amount:
        return (
            f"{head}. Even so the plan costs {describe(total, budget.currency)}, above your "
            f"budget of {describe(budget.amount, budget.currency)}."
        )
    left = f"{describe(budget.amount - total, budget.currency)} ({_share(total, budget.amount)})"
    higher = _HIGHER.get(style)
    if higher is None:
        return f"{head}, the most comfortable; {left} of your budget is left for extras."
    upgrade = estimated_total(request, place, higher)
    if style_fits(request, place, higher):
        return (
            f"{head}; {higher} would fit too, at about {describe(upgrade, budget.currency)}; "
            f"{left} of your budget is left."
        )
    return (
        f"{head}: {higher} would cost about {describe(upgrade, budget.currency)}, more than "
        f"your budget of {describe(budget.amount, budget.currency)} comfortably allows; "
        f"{left} of it is left for extras."
    )


def _share(total: Decimal, budget: Decimal) -> str:
    return f"{(budget - total) / budget:.0%}" if budget > 0 else "0%"
