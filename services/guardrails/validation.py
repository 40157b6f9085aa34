"""Input guardrail: a trip request is checked field by field before any agent or model
sees it. Each failure is InvalidArgument naming the field, with an UPPER_SNAKE reason
and a message that says what to change.
"""

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from tripmesh.v1 import trip_pb2

from services.agents.request import Pace, TripRequest
from services.guardrails.safety import check_text_safety
from services.runtime.bounds import Bound
from services.runtime.errors import FieldViolation, InvalidArgument
from services.travel import fx
from services.travel.currencies import is_iso_currency
from services.travel.money import Money, format_amount, to_decimal
from services.travel.places import resolve_place
from services.travel.text import fold

MAX_DESTINATION = 120
MAX_INTERESTS = 10
MAX_INTEREST = 40
MAX_REQUEST_ID = 128
MAX_DAYS = 30
MAX_TRAVELERS = 20
MAX_DAYS_AHEAD = 730  # two years
# Below this per traveller per day no trip is possible anywhere; above the cap, a typo.
MIN_USD_PER_TRAVELER_DAY = Decimal(5)
MAX_BUDGET_USD = Decimal(1_000_000)
# The limits above that are tighter than the door's (services/runtime/bounds_table.py), by the
# field they hold, so that the gateway's OpenAPI document states what a request may really be.
FIELD_LIMITS: dict[str, Bound] = {
    "tripmesh.v1.PlanTripRequest.destination": Bound(max_len=MAX_DESTINATION),
    "tripmesh.v1.PlanTripRequest.interests": Bound(max_items=MAX_INTERESTS, max_len=MAX_INTEREST),
    "tripmesh.v1.PlanTripRequest.request_id": Bound(max_len=MAX_REQUEST_ID),
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PACES = {
    trip_pb2.PACE_UNSPECIFIED: Pace.BALANCED,  # documented as read as balanced
    trip_pb2.PACE_RELAXED: Pace.RELAXED,
    trip_pb2.PACE_BALANCED: Pace.BALANCED,
    trip_pb2.PACE_PACKED: Pace.PACKED,
}
_NANOS = 1_000_000_000
T = TypeVar("T")


def _invalid(message: str, reason: str, field: str, **metadata: str) -> InvalidArgument:
    return InvalidArgument(message, reason=reason, field=field, metadata=metadata)


def validate_trip_request(
    request: trip_pb2.PlanTripRequest, *, today: date | None = None, resolve: bool = True
) -> list[str]:
    """Warnings about a valid request; raises InvalidArgument naming every bad field.

    `today` defaults to the current UTC date; `resolve=False` skips resolving the
    destination (which loads the place index, about a second once per process).
    """
    return parse_trip_request(request, today=today, resolve=resolve)[1]


def parse_trip_request(
    request: trip_pb2.PlanTripRequest, *, today: date | None = None, resolve: bool = True
) -> tuple[TripRequest, list[str]]:
    """The validated request as the agents take it, and warnings for the traveller.

    Every bad field is reported at once: one InvalidArgument whose BadRequest names them all.
    """
    problems: list[InvalidArgument] = []

    def check(parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except InvalidArgument as exc:
            problems.append(exc)
            return None

    destination = check(lambda: _destination(request.destination))
    interests = check(lambda: _interests(list(request.interests)))
    pace = check(lambda: _pace(request.pace))
    start = check(lambda: _start_date(request.start_date, today or datetime.now(UTC).date()))
    days = check(lambda: _in_range(request.days, "days", 1, MAX_DAYS, "INVALID_DAYS"))
    travelers = check(
        lambda: _in_range(request.travelers, "travelers", 1, MAX_TRAVELERS, "INVALID_TRAVELERS")
    )
    budget = check(lambda: _budget(request, days, travelers))
    nights = check(lambda: _nights(request, days))
    check(lambda: _request_id(request.request_id))
    if problems:
        raise _all_of(problems)
    trip = TripRequest(
        destination=_checked(destination),
        start_date=_checked(start),
        days=_checked(days),
        travelers=_checked(travelers),
        budget=_checked(budget),
        interests=_checked(interests),
        pace=_checked(pace),
        request_id=request.request_id,
        nights=nights,  # None: not asked for (days - 1)
    )
    warnings = list(resolve_place(trip.destination).warnings) if resolve else []
    return trip, warnings


def _checked(value: T | None) -> T:
    """A value its check returned (None only when the check failed, which raised above)."""
    if value is None:
        raise AssertionError("a failed check was not reported")
    return value


def _all_of(problems: list[InvalidArgument]) -> InvalidArgument:
    """One error for every bad field: the first's reason, every field in the BadRequest."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    fields = [p.field or "" for p in problems]
    return InvalidArgument(
        f"{len(problems)} fields are invalid: " + "; ".join(p.message for p in problems),
        reason=first.reason,
        metadata={"fields": ",".join(fields)},
        violations=[FieldViolation(p.field or "", p.message) for p in problems],
    )


def _nights(request: trip_pb2.PlanTripRequest, days: int | None) -> int | None:
    """Nights of lodging as asked (0 to the days), or None when the request leaves them out."""
    if not request.HasField("nights"):
        return None
    return _in_range(request.nights, "nights", 0, days or MAX_DAYS, "INVALID_NIGHTS")


def _request_id(request_id: str) -> None:
    if len(request_id) > MAX_REQUEST_ID:
        raise _invalid(
            f"request_id must be at most {MAX_REQUEST_ID} characters",
            "INVALID_REQUEST_ID",
            "request_id",
        )


def _plain_text(text: str, field: str) -> None:
    # control and format characters (zero-width, bidi overrides) hide text from reviewers;
    # printable ASCII has none (the usual case: no look-up of each character's category)
    if text.isascii() and text.isprintable():
        return
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise _invalid(
            f"{field} contains control or invisible characters; use plain text",
            "INVALID_CHARACTERS",
            field,
        )


def _destination(text: str) -> str:
    destination = " ".join(text.split())
    if not destination:
        raise _invalid(
            'destination must not be empty; name a city, such as "Lisbon, Portugal"',
            "MISSING_DESTINATION",
            "destination",
        )
    if len(destination) > MAX_DESTINATION:
        raise _invalid(
            f"destination is {len(destination)} characters; use at most {MAX_DESTINATION} "
            '(a city and country, such as "Lisbon, Portugal")',
            "DESTINATION_TOO_LONG",
            "destination",
        )
    _plain_text(text, "destination")
    check_text_safety(destination, "destination")
    return destination


def _interests(values: list[str]) -> tuple[str, ...]:
    if len(values) > MAX_INTERESTS:
        raise _invalid(
            f"{len(values)} interests given; list at most {MAX_INTERESTS}",
            "TOO_MANY_INTERESTS",
            "interests",
        )
    kept: dict[str, str] = {}
    for index, value in enumerate(values):
        field = f"interests[{index}]"
        interest = " ".join(value.split())
        if not interest:
            raise _invalid(
                f"{field} is empty; remove it or name an interest", "EMPTY_INTEREST", field
            )
        if len(interest) > MAX_INTEREST:
            raise _invalid(
                f"{field} is {len(interest)} characters; use at most {MAX_INTEREST}, "
                'such as "food" or "history"',
                "INTEREST_TOO_LONG",
                field,
            )
        _plain_text(value, field)
        check_text_safety(interest, field)
        kept.setdefault(fold(interest), interest)
    return tuple(kept.values())


def _pace(value: trip_pb2.Pace) -> Pace:
    if value not in _PACES:
        raise _invalid(
            f"pace {value} is not a known value; use PACE_RELAXED, PACE_BALANCED or PACE_PACKED",
            "INVALID_PACE",
            "pace",
        )
    return _PACES[value]


def _start_date(text: str, today: date) -> date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        start = date.fromisoformat(text)
    except ValueError:
        raise _invalid(
            f'start_date "{text}" is not a date; use YYYY-MM-DD, such as "{today.isoformat()}"',
            "INVALID_START_DATE",
            "start_date",
        ) from None
    # Somewhere on Earth it is still yesterday (UTC-12), so yesterday is not yet the past.
    if start < today - timedelta(days=1):
        raise _invalid(
            f"start_date {start} is in the past; choose {today} or later",
            "START_DATE_IN_PAST",
            "start_date",
        )
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if start > latest:
        raise _invalid(
            f"start_date {start} is more than two years ahead; choose {latest} or earlier",
            "START_DATE_TOO_FAR",
            "start_date",
        )
    return start


def _in_range(value: int, field: str, low: int, high: int, reason: str) -> int:
    if not low <= value <= high:
        raise _invalid(f"{field} must be between {low} and {high}, not {value}", reason, field)
    return value


def _budget(request: trip_pb2.PlanTripRequest, days: int | None, travelers: int | None) -> Money:
    """The budget; its plausibility per traveller-day only once days and travelers are valid."""
    if not request.HasField("budget"):
        raise _invalid(
            'budget is missing; give the total for all travellers, such as {"currencyCode": '
            '"EUR", "units": "2000"}',
            "MISSING_BUDGET",
            "budget",
        )
    money = request.budget
    currency = _currency(money.currency_code)
    if (
        abs(money.nanos) >= _NANOS
        or (money.units > 0 > money.nanos)
        or (money.units < 0 < money.nanos)
    ):
        raise _invalid(
            "budget.nanos must be between -999999999 and 999999999 with the sign of units",
            "INVALID_MONEY",
            "budget.nanos",
        )
    amount = to_decimal(money.units, money.nanos)
    if amount <= 0:
        raise _invalid(
            f"budget must be more than zero, not {amount} {currency}",
            "BUDGET_NOT_POSITIVE",
            "budget.units",
        )
    if days is not None and travelers is not None:
        _plausible(amount, currency, days, travelers)
    return Money(amount, currency)


def _currency(code: str) -> str:
    if not is_iso_currency(code):
        raise _invalid(
            f'budget.currency_code "{code}" is not an ISO 4217 code; use one such as "EUR"',
            "INVALID_CURRENCY",
            "budget.currency_code",
        )
    if not fx.is_supported(code):
        supported = " ".join(sorted(fx.supported_currencies()))
        raise _invalid(
            f"budget.currency_code {code} has no current ECB exchange rate; use one of {supported}",
            "UNSUPPORTED_CURRENCY",
            "budget.currency_code",
            supported=supported,
        )
    return code


def _plausible(amount: Decimal, currency: str, days: int, travelers: int) -> None:
    in_usd = fx.convert(amount, currency, "USD").amount
    floor_usd = MIN_USD_PER_TRAVELER_DAY * days * travelers
    if in_usd < floor_usd:
        floor = fx.convert(floor_usd, "USD", currency).amount
        raise _invalid(
            f"budget {format_amount(amount, currency)} {currency} is too low for {travelers} "
            f"traveller(s) and {days} day(s); raise it to at least "
            f"{format_amount(floor, currency)} {currency} or shorten the trip",
            "BUDGET_TOO_LOW",
            "budget.units",
        )
    if in_usd > MAX_BUDGET_USD:
        cap = fx.convert(MAX_BUDGET_USD, "USD", currency).amount
        raise _invalid(
            f"budget {format_amount(amount, currency)} {currency} is above the cap of "
            f"{format_amount(cap, currency)} {currency}; check the amount",
            "BUDGET_TOO_HIGH",
            "budget.units",
        )
