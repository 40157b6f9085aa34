"""Reads a trip request from text with the model chain: a configured model reads what the
offline parser would miss ("a long weekend in the Algarve after Easter"), and the
offline parser is the chain's own last answer, so that no model still reads text."""

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Literal

from google.type import money_pb2
from pydantic import BaseModel, Field
from tripmesh.v1 import trip_pb2

from services.a2a.text_request import TextReading, read_trip_text, reading_of
from services.llm import ModelChain, ModelTask

TextReader = Callable[[str, date], Awaitable[TextReading]]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
PaceWord = Literal["", "relaxed", "balanced", "packed"]
_PACES: dict[PaceWord, "trip_pb2.Pace"] = {
    "": trip_pb2.PACE_UNSPECIFIED,
    "relaxed": trip_pb2.PACE_RELAXED,
    "balanced": trip_pb2.PACE_BALANCED,
    "packed": trip_pb2.PACE_PACKED,
}


class TripText(BaseModel):
    # __doc__ assigned, not a docstring: it is the schema's description, also under -OO
    # (see services/agents/schemas.py).
    __doc__ = """What a text says of a trip; empty where it says nothing."""

    destination: str = Field("", max_length=200)
    start_date: str = Field("", description="YYYY-MM-DD, or empty")
    days: int = Field(0, ge=0, le=60)
    travelers: int = Field(0, ge=0, le=50)
    budget_amount: float = Field(0, ge=0)
    currency: str = Field("", description="ISO 4217 code of the budget, or empty")
    interests: list[str] = Field(default_factory=list, max_length=10)
    pace: PaceWord = ""


async def offline_reader(text: str, today: date) -> TextReading:
    return read_trip_text(text, today)


def model_reader(chain: ModelChain) -> TextReader:
    """A reader asking the chain (remote models first, the offline parser last)."""

    async def read(text: str, today: date) -> TextReading:
        task = ModelTask(
            name="read_trip_request",
            schema=TripText,
            variables={"text": text, "today": today.isoformat()},
            offline=lambda: trip_text(read_trip_text(text, today).request),
            check=_violations,
        )
        result = await chain.run(task)
        return reading_of(request_of(result.value))

    return read


def trip_text(request: trip_pb2.PlanTripRequest) -> TripText:
    words: dict[int, PaceWord] = {int(v): k for k, v in _PACES.items()}
    pace = words.get(int(request.pace), "")
    amount = request.budget.units + request.budget.nanos / 1e9
    return TripText(
        destination=request.destination,
        start_date=request.start_date,
        days=request.days,
        travelers=request.travelers,
        budget_amount=amount,
        currency=request.budget.currency_code,
        interests=list(request.interests),
        pace=pace,
    )


def request_of(text: TripText) -> trip_pb2.PlanTripRequest:
    request = trip_pb2.PlanTripRequest(
        destination=text.destination.strip(),
        start_date=text.start_date,
        days=text.days,
        travelers=text.travelers,
        interests=[i.strip().lower() for i in text.interests if i.strip()],
        pace=_PACES[text.pace],
    )
    if text.budget_amount > 0 and text.currency:
        units = int(text.budget_amount)
        nanos = round((text.budget_amount - units) * 1e9)
        request.budget.CopyFrom(
            money_pb2.Money(currency_code=text.currency.upper(), units=units, nanos=nanos)
        )
    return request


def _violations(answer: TripText) -> list[str]:
    found = []
    if answer.start_date and not _DATE.match(answer.start_date):
        found.append(f"start_date {answer.start_date!r} is not YYYY-MM-DD")
    if answer.currency and not _CURRENCY.match(answer.currency.upper()):
        found.append(f"currency {answer.currency!r} is not an ISO 4217 code")
    if answer.budget_amount > 0 and not answer.currency:
        found.append("budget_amount without its currency")
    return found
