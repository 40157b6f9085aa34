"""`tripmesh plan` flags into a PlanTripRequest, with one-line errors for bad values."""

import argparse
import datetime as dt
import re
from decimal import Decimal

from google.type.money_pb2 import Money
from tripmesh.v1.trip_pb2 import Pace, PlanTripRequest

from services.travel.money import to_units_nanos

_BUDGET = re.compile(r"\s*(\d{1,15}(?:\.\d{1,9})?)\s+([A-Za-z]{3})\s*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PACES = {"relaxed": Pace.PACE_RELAXED, "balanced": Pace.PACE_BALANCED, "packed": Pace.PACE_PACKED}


class UsageError(Exception):
    """A flag is missing or malformed; the message says which, in one line."""


def parse_budget(text: str) -> Money:
    """ "2000 EUR" or "1999.50 usd" as google.type.Money."""
    match = _BUDGET.fullmatch(text)
    if match is None:
        raise UsageError(f'--budget must be "AMOUNT CURRENCY", like "2000 EUR" (got {text!r})')
    units, nanos = to_units_nanos(Decimal(match.group(1)))
    return Money(currency_code=match.group(2).upper(), units=units, nanos=nanos)


def parse_date(text: str) -> str:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--start must be a date as YYYY-MM-DD (got {text!r})") from None


def parse_count(flag: str, text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise UsageError(f"{flag} must be a whole number from {low} to {high} (got {text!r})")
    return value


def parse_timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise UsageError(f"--timeout must be seconds from 0 to 3600 (got {text!r})")
    return seconds


def trip_request(args: argparse.Namespace) -> PlanTripRequest:
    """The request the flags describe; raises UsageError naming the first bad flag."""
    for flag in ("destination", "start", "budget"):
        if not getattr(args, flag):
            raise UsageError(f"--{flag} is required")
    if args.pace not in PACES:
        raise UsageError(f"--pace must be one of {', '.join(PACES)} (got {args.pace!r})")
    days = parse_count("--days", args.days, 1, 30)
    request = PlanTripRequest(
        destination=args.destination,
        start_date=parse_date(args.start),
        days=days,
        travelers=parse_count("--travelers", args.travelers, 1, 20),
        budget=parse_budget(args.budget),
        interests=args.interest or [],
        pace=PACES[args.pace],
        request_id=args.request_id or "",
    )
    if getattr(args, "nights", None) is not None:
        request.nights = parse_count("--nights", args.nights, 0, days)
    return request
