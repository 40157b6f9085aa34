"""Builders shared by the agents' tests."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pydantic
from google.type import money_pb2
from tripmesh.v1 import trip_pb2

from services.agents.request import Pace, TripRequest
from services.llm.chain import ModelResult, ModelTask
from services.llm.usage import Usage
from services.travel.money import Money

T = TypeVar("T", bound=pydantic.BaseModel)

# A fixed date keeps the offline engine's output comparable across runs; guardrail
# tests that depend on "today" pass `today` explicitly.
START = date(2027, 5, 1)


def trip(**changes: Any) -> TripRequest:
    """A valid 4-day balanced Lisbon trip for two, with the given fields changed."""
    base = TripRequest(
        destination="Lisbon",
        start_date=START,
        days=4,
        travelers=2,
        budget=Money(Decimal(2000), "EUR"),
        interests=("food", "history"),
        pace=Pace.BALANCED,
    )
    return replace(base, **changes)


def proto_request(**changes: Any) -> trip_pb2.PlanTripRequest:
    """A valid PlanTripRequest starting 60 days from `today()`, with fields changed."""
    request = trip_pb2.PlanTripRequest(
        destination="Lisbon, Portugal",
        start_date=(date.today() + timedelta(days=60)).isoformat(),
        days=4,
        travelers=2,
        budget=money_pb2.Money(currency_code="EUR", units=2000),
        interests=["food", "history"],
        pace=trip_pb2.PACE_BALANCED,
        request_id="req-1",
    )
    for name, value in changes.items():
        if name == "budget":
            request.budget.CopyFrom(value)
        elif name == "interests":
            del request.interests[:]
            request.interests.extend(value)
        else:
            setattr(request, name, value)
    return request


@dataclass
class ScriptedChain:
    """A chain of the ModelChain shape: answers with `answer(task)`, else the offline engine."""

    answer: Callable[[ModelTask[Any]], Any] | None = None
    provider: str = "fake:model"
    tasks: list[ModelTask[Any]] = field(default_factory=list)

    async def run(self, task: ModelTask[T]) -> ModelResult[T]:
        self.tasks.append(task)
        if self.answer is None:
            return ModelResult(task.offline(), "offline", Usage(), [])
        value = task.schema.model_validate(self.answer(task))
        return ModelResult(value, self.provider, Usage(1, 100, 50, 0.001), ["from the script"])
