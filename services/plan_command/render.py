"""A planned trip as text: the itinerary as a table, the budget, the guide's advice."""

from collections.abc import Iterator, Sequence
from decimal import Decimal

from google.type.money_pb2 import Money
from tripmesh.v1.orchestrator_service_pb2 import PlanStage, StreamPlanTripResponse
from tripmesh.v1.trip_pb2 import Trip

ACTIVITY_WIDTH = 44


def money(value: Money) -> str:
    amount = Decimal(value.units) + Decimal(value.nanos).scaleb(-9)
    return f"{amount:,.2f} {value.currency_code}".strip()


def progress(event: StreamPlanTripResponse, elapsed: float) -> str:
    """ "[ 0.4s] itinerary drafted: 4 days, 12 activities in Lisbon"."""
    stage = PlanStage.Name(event.stage).removeprefix("PLAN_STAGE_").lower().replace("_", " ")
    return f"[{elapsed:5.1f}s] {stage}: {event.message}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(
    header: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: set[int]
) -> Iterator[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        yield "  " + "  ".join(cells).rstrip()


def itinerary_lines(trip: Trip) -> Iterator[str]:
    rows: list[tuple[str, ...]] = []
    for number, day in enumerate(trip.itinerary.days, start=1):
        for index, activity in enumerate(day.activities):
            label = f"{number} {day.date}" if index == 0 else ""
            title = _clip(activity.title, ACTIVITY_WIDTH)
            cost = money(activity.cost) if activity.HasField("cost") else ""
            rows.append((label, activity.start_time, title, activity.category, cost))
    yield from _table(("DAY", "TIME", "ACTIVITY", "CATEGORY", "COST"), rows, right={4})


def budget_lines(trip: Trip) -> Iterator[str]:
    estimate = trip.estimate
    rows = [(item.category, money(item.amount)) for item in estimate.line_items]
    rows.append(("total", money(estimate.total)))
    yield from _table(("CATEGORY", "AMOUNT"), rows, right={1})
    verdict = "within budget" if estimate.within_budget else "OVER BUDGET"
    yield f"  {verdict}: budget {money(trip.request.budget)}, remaining {money(estimate.remaining)}"


def guide_lines(trip: Trip) -> Iterator[str]:
    for tip in trip.guide.tips:
        yield f"  - [{tip.category}] {tip.text}"
    for phrase in trip.guide.phrases:
        yield f"  - {phrase.english} = {phrase.local}"


def trip_text(trip: Trip) -> str:
    """The whole trip for a terminal."""
    request, place = trip.request, trip.itinerary.destination
    where = ", ".join(p for p in (place.name, place.country) if p) or request.destination
    lines = [
        f"{where}: {request.days} days from {request.start_date},"
        f" {request.travelers} traveller(s)   ({trip.name})",
        "",
        f"Itinerary ({trip.itinerary.travel_style or 'unknown'} style)",
        *itinerary_lines(trip),
        "",
        "Budget",
        *budget_lines(trip),
    ]
    if trip.HasField("guide"):
        lines += ["", "Guide", *guide_lines(trip)]
    if trip.warnings:
        lines += ["", "Warnings", *(f"  ! {w}" for w in trip.warnings)]
    usage = trip.usage
    lines += [
        "",
        f"{usage.model_calls} model call(s), {usage.input_tokens + usage.output_tokens} tokens,"
        f" ${usage.cost_usd:.4f}; {trip.revisions} revision(s)",
    ]
    return "\n".join(lines)
