"""Input checks of a trip request, until the shared guardrails replace them.

`Validator` is the call site: the workflow takes one in its constructor.
`check_request` covers what the workflow itself relies on (a parsable date, a
budget with a currency, sizes in range); services.guardrails'
validate_trip_request, once it exists, is wired in server.py instead.
"""

import datetime as dt
import re
from collections.abc import Callable

from tripmesh.v1.trip_pb2 import Pace, PlanTripRequest

from services.runtime.errors import InvalidArgument

Validator = Callable[[PlanTripRequest], list[str]]

_CURRENCY = re.compile(r"[A-Z]{3}")


def _invalid(field: str, message: str) -> InvalidArgument:
    return InvalidArgument(message, reason="INVALID_TRIP_REQUEST", field=field)


def check_request(request: PlanTripRequest) -> list[str]:
    """Raises INVALID_ARGUMENT naming the first bad field; returns warnings (none yet)."""
    if not request.destination.strip() or len(request.destination) > 200:
        raise _invalid("destination", "destination must be 1 to 200 characters")
    try:
        dt.date.fromisoformat(request.start_date)
    except ValueError:
        raise _invalid("start_date", "start_date must be a date as YYYY-MM-DD") from None
    if not 1 <= request.days <= 30:
        raise _invalid("days", "days must be between 1 and 30")
    if not 1 <= request.travelers <= 20:
        raise _invalid("travelers", "travelers must be between 1 and 20")
    if not _CURRENCY.fullmatch(request.budget.currency_code):
        raise _invalid("budget.currency_code", "budget.currency_code must be an ISO 4217 code")
    if (
        request.budget.units < 0
        or request.budget.nanos < 0
        or not (request.budget.units or request.budget.nanos)
    ):
        raise _invalid("budget", "budget must be a positive amount")
    if request.pace not in Pace.values():
        raise _invalid("pace", f"pace {request.pace} is not a known Pace")
    if len(request.request_id) > 128:
        raise _invalid("request_id", "request_id must be at most 128 characters")
    return []
