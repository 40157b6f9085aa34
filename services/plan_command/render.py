"""A planned trip as text: the itinerary as a table, the budget, the guide's advice."""

import shutil
from collections.abc import Iterator, Sequence

from google.protobuf.duration_pb2 import Duration
from google.type.money_pb2 import Money
from tripmesh.v1.orchestrator_service_pb2 import PlanStage, StreamPlanTripResponse
from tripmesh.v1.trip_pb2 import Trip

from services.travel.money import format_amount, to_decimal

MIN_TITLE_WIDTH = 24
OTHER_COLUMNS = 58  # day, time, duration, category and cost columns with their gaps


def money(value: Money) -> str:
    amount = to_decimal(value.units, value.nanos)
    return f"{format_amount(amount, value.currency_code)} {value.currency_code}"


def duration(value: Duration) -> str:
    """ "1h30", "45m", or "" when unset."""
    minutes = value.seconds // 60
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if hours else f"{rest}m"


def title_width() -> int:
    """What the terminal leaves for titles (they are cut to it, never shorter than 24)."""
    return max(MIN_TITLE_WIDTH, shutil.get_terminal_size((120, 24)).columns - OTHER_COLUMNS)


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
    width = title_width()
    for number, day in enumerate(trip.itinerary.days, start=1):
        for index, activity in enumerate(day.activities):
            label = f"{number} {day.date}" if index == 0 else ""
            title = _clip(activity.title, width)
            cost = money(activity.cost) if activity.HasField("cost") else ""
            rows.append(
                (
                    label,
                    activity.start_time,
                    duration(activity.duration),
                    title,
                    activity.category,
                    cost,
                )
            )
    header = ("DAY", "TIME", "TAKES", "ACTIVITY", "CATEGORY", "COST")
    yield from _table(header, rows, right={2, 5})


def budget_lines(trip: Trip) -> Iterator[str]:
    estimate = trip.estimate
    rows = [(item.category, money(item.amount)) for item in estimate.line_items]
    rows.append(("total", money(estimate.total)))
    yield from _table(("CATEGORY", "AMOUNT"), rows, right={1})
    verdict = "within budget" if estimate.within_budget else "OVER BUDGET"
    yield f"  {verdict}: budget {money(trip.request.budget)}, remaining {money(estimate.remaining)}"
    if estimate.savings:
        yield "  where to save:"
        yield from (f"  - {saving}" for saving in estimate.savings)


def guide_lines(trip: Trip) -> Iterator[str]:
    for tip in trip.guide.tips:
        yield f"  - [{tip.category}] {tip.text}"
    for phrase in trip.guide.phrases:
        yield f"  - {phrase.english} = {phrase.local}"


def trip_text(trip: Trip) -> str:
    """The whole trip for a terminal."""
    request, place = trip.request, trip.itinerary.destination
    where = ", ".join(p for p in (place.name, place.country) if p) or request.destination
    style = trip.itinerary.travel_style
    lines = [
        f"{where}: {request.days} days from {request.start_date},"
        f" {request.travelers} traveller(s){f', {style} style' if style else ''}   ({trip.name})",
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


def trips_table(trips: Sequence[Trip]) -> str:
    """`tripmesh trips list`: one line per trip, newest first."""
    rows = [
        (
            trip.name,
            trip.create_time.ToDatetime().strftime("%Y-%m-%d %H:%M"),
            _clip(trip.itinerary.destination.name or trip.request.destination, 30),
            trip.request.start_date,
            str(trip.request.days),
            money(trip.estimate.total) if trip.HasField("estimate") else "",
        )
        for trip in trips
    ]
    header = ("NAME", "PLANNED (UTC)", "DESTINATION", "FROM", "DAYS", "TOTAL")
    return "\n".join(_table(header, rows, right={4, 5}))
