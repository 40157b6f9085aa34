"""Building a Trip from the agents' answers: usage sums, warnings, money in messages."""

from collections.abc import Iterable
from decimal import Decimal

from google.protobuf.field_mask_pb2 import FieldMask
from google.type.money_pb2 import Money
from tripmesh.v1.orchestrator_service_pb2 import PlanStage
from tripmesh.v1.trip_pb2 import BudgetEstimate, Trip, Usage

from services.travel.money import to_decimal


def add_usage(total: Usage, part: Usage) -> None:
    """Adds one hop's model usage to the trip's."""
    total.model_calls += part.model_calls
    total.input_tokens += part.input_tokens
    total.output_tokens += part.output_tokens
    total.cost_usd += part.cost_usd


def add_warnings(trip: Trip, warnings: Iterable[str]) -> None:
    """Appends warnings the trip does not have yet, in order."""
    for warning in warnings:
        if warning and warning not in trip.warnings:
            trip.warnings.append(warning)


def amount(money: Money) -> Decimal:
    return to_decimal(money.units, money.nanos)


def format_money(money: Money) -> str:
    """ "1,850.00 EUR"."""
    return f"{amount(money):,.2f} {money.currency_code}".strip()


def cut_categories(estimate: BudgetEstimate) -> list[str]:
    """Line item categories, costliest first: where a revision saves the most."""
    items = sorted(estimate.line_items, key=lambda item: amount(item.amount), reverse=True)
    return [item.category for item in items if amount(item.amount) > 0]


def describe_estimate(estimate: BudgetEstimate, budget: Money) -> str:
    """ "1,850.00 EUR, within the budget of 2,000.00 EUR"."""
    verdict = "within" if estimate.within_budget else "over"
    return f"{format_money(estimate.total)}, {verdict} the budget of {format_money(budget)}"


# What a progress event carries: the parts of the trip its step changed, plus the
# warnings and usage so far; the complete trip comes once, at PLAN_STAGE_COMPLETED.
# (A whole Trip per event sent a long trip seven times over.) The name appears at
# PLAN_STAGE_STORED: before that the trip may still fail and never exist.
_CHANGED_BY: dict[int, tuple[str, ...]] = {
    PlanStage.PLAN_STAGE_VALIDATED: ("request",),
    PlanStage.PLAN_STAGE_ITINERARY_DRAFTED: ("itinerary",),
    PlanStage.PLAN_STAGE_BUDGET_ESTIMATED: ("estimate",),
    PlanStage.PLAN_STAGE_GUIDE_READY: ("guide",),
    PlanStage.PLAN_STAGE_REVISED: ("itinerary", "estimate", "revisions"),
    PlanStage.PLAN_STAGE_STORED: ("name", "create_time"),
}
_ALWAYS = ("warnings", "usage")


def progress(trip: Trip, stage: int) -> Trip:
    """What the progress event of `stage` carries of `trip` (see _CHANGED_BY)."""
    part = Trip()
    changed = _CHANGED_BY.get(stage)
    if changed is None:  # PLAN_STAGE_COMPLETED: the whole trip
        part.CopyFrom(trip)
    else:
        FieldMask(paths=[*changed, *_ALWAYS]).MergeMessage(trip, part)
    return part
