"""The offline engine's savings suggestions for an over-budget estimate.

Every suggestion is concrete and priced with the same arithmetic as the estimate.
"""

import math
from decimal import Decimal

from services.agents.pricing import activity_cost, describe, fixed_costs, price_itinerary
from services.agents.request import TripRequest
from services.agents.schemas import BudgetDraft, ItineraryDraft, TravelStyle
from services.travel.money import round_money
from services.travel.places import Place

_LOWER: dict[str, TravelStyle] = {"comfort": "mid-range", "mid-range": "budget"}
_TOP_ACTIVITIES = 3


def savings_suggestions(
    request: TripRequest, place: Place, itinerary: ItineraryDraft, estimate: BudgetDraft
) -> list[str]:
    """Ways to bring an over-budget trip within budget, most effective first ([] when within)."""
    if estimate.within_budget:
        return []
    currency = request.budget.currency
    over = estimate.total - request.budget.amount
    found: list[tuple[Decimal, str]] = []
    style = _cheaper_style(request, place, itinerary, estimate)
    if style is not None:
        found.append(style)
    activities = _priciest_activities(request, itinerary)
    if activities is not None:
        found.append(activities)
    shorter = _shorter_trip(request, place, itinerary, over)
    if shorter is not None:
        found.append(shorter)
    found.sort(key=lambda pair: -pair[0])
    texts = [text for _, text in found]
    texts.insert(0, f"The plan is {describe(over, currency)} over your budget of "
                    f"{describe(request.budget.amount, currency)}.")  # fmt: skip
    if not found or sum(saving for saving, _ in found) < over:
        texts.append(
            f"Even with all of this the trip stays above budget: raise the budget to at least "
            f"{describe(estimate.total - sum(s for s, _ in found), currency)} or travel with a "
            "cheaper destination in mind."
        )
    return texts


def _cheaper_style(
    request: TripRequest, place: Place, itinerary: ItineraryDraft, estimate: BudgetDraft
) -> tuple[Decimal, str] | None:
    lower = _LOWER.get(itinerary.travel_style)
    if lower is None:
        return None
    cheaper = price_itinerary(request, place, itinerary.model_copy(update={"travel_style": lower}))
    saving = estimate.total - cheaper.total
    text = (
        f"Switch from {itinerary.travel_style} to {lower} lodging and dining "
        f"(guesthouses, casual restaurants): saves about "
        f"{describe(saving, request.budget.currency)}."
    )
    return saving, text


def _priciest_activities(
    request: TripRequest, itinerary: ItineraryDraft
) -> tuple[Decimal, str] | None:
    currency = request.budget.currency
    paid = [a for d in itinerary.days for a in d.activities if a.cost > 0]
    paid.sort(key=lambda a: (-activity_cost(a, currency), a.title))
    top = paid[:_TOP_ACTIVITIES]
    if not top:
        return None
    saving = round_money(
        sum((activity_cost(a, currency) for a in top), Decimal(0)) * request.travelers, currency
    )
    titles = "; ".join(f'"{a.title}" ({describe(a.cost, a.currency)} per person)' for a in top)
    text = (
        f"Swap the priciest activities for free ones: {titles}. "
        f"Saves about {describe(saving, currency)}."
    )
    return saving, text


def _shorter_trip(
    request: TripRequest, place: Place, itinerary: ItineraryDraft, over: Decimal
) -> tuple[Decimal, str] | None:
    if request.days <= 1:
        return None
    fixed = sum((i.amount for i in fixed_costs(request, place, itinerary.travel_style)), Decimal(0))
    per_day = fixed / request.days
    if per_day <= 0:
        return None
    days = min(math.ceil(over / per_day), request.days - 1)
    saving = round_money(per_day * days, request.budget.currency)
    text = (
        f"Shorten the trip by {days} day(s): each day costs about "
        f"{describe(per_day, request.budget.currency)} in lodging, food and transport; "
        f"saves about {describe(saving, request.budget.currency)}."
    )
    return saving, text
