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
    nights: int | None = None  # lodging nights as asked; None: days - 1

    @property
    def lodging_nights(self) -> int:
        """Nights to pay lodging for: as asked, else one fewer than the days (the last day
        is the day home; a day trip needs none)."""
        return self.days - 1 if self.nights is None else self.nights

    @property
    def end_date(self) -> date:
        """The last day of the trip."""
        return self.start_date + timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        """Every day of the trip, in order."""
        return [self.start_date + timedelta(days=i) for i in range(self.days)]

    def seed(self) -> int:
        """A seed for deterministic choices, from the normalized request (request id left out)."""
        parts: tuple[str, ...] = (
            fold(self.destination),
            self.start_date.isoformat(),
            str(self.days),
            str(self.travelers),
            f"{self.budget.amount.normalize()} {self.budget.currency}",
            ",".join(sorted(fold(i) for i in self.interests)),
            self.pace.value,
        )
        if self.nights is not None:  # absent, the seed stays what it always was
            parts = (*parts, f"nights {self.nights}")
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
            "nights": self.lodging_nights,
        }
