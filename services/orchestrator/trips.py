"""Building a Trip from the agents' answers: usage sums, warnings, money in messages."""

from collections.abc import Iterable
from decimal import Decimal

from google.type.money_pb2 import Money
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


def snapshot(trip: Trip) -> Trip:
    """A copy of the trip as it is now, for a progress event."""
    copy = Trip()
    copy.CopyFrom(trip)
    return copy
