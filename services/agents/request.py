"""The trip request as the agents see it: validated, typed, free of proto types."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from services.travel.money import Money
from services.travel.text import fold, stable_hash


class Pace(StrEnum):
    """How full each day should be."""

    RELAXED = "relaxed"
    BALANCED = "balanced"
    PACKED = "packed"


@dataclass(frozen=True)
class TripRequest:
    """A validated trip request (see services.guardrails.parse_trip_request)."""

    destination: str
    start_date: date
    days: int
    travelers: int
    budget: Money  # for the whole trip, all travellers
    interests: tuple[str, ...] = ()
    pace: Pace = Pace.BALANCED
    request_id: str = field(default="", compare=False)  # never part of the plan or its seed

    @property
    def end_date(self) -> date:
        """The last day of the trip."""
        return self.start_date + timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        """Every day of the trip, in order."""
        return [self.start_date + timedelta(days=i) for i in range(self.days)]

    def seed(self) -> int:
        """A seed for deterministic choices, from the normalized request (request id left out)."""
        parts = (
            fold(self.destination),
            self.start_date.isoformat(),
            str(self.days),
            str(self.travelers),
            f"{self.budget.amount.normalize()} {self.budget.currency}",
            ",".join(sorted(fold(i) for i in self.interests)),
            self.pace.value,
        )
        return stable_hash(*parts)

    def variables(self) -> dict[str, Any]:
        """The request as JSON-able prompt variables (nothing personal beyond the request)."""
        return {
            "destination": self.destination,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "days": self.days,
            "travelers": self.travelers,
            "budget": {"amount": str(self.budget.amount), "currency": self.budget.currency},
            "interests": list(self.interests),
            "pace": self.pace.value,
        }
