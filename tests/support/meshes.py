"""What the whole-mesh tests share: a trip request, and a mesh whose model is a fake OpenAI."""

import datetime as dt
from pathlib import Path
from typing import Any

from tests.fakes import FakeOpenAI
from tests.support.processes import base_env


def trip_request(destination: str, days: int, budget_eur: int) -> dict[str, Any]:
    """A PlanTripRequest as the API takes it, starting a month from today."""
    return {
        "destination": destination,
        "startDate": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        "days": days,
        "travelers": 1,
        "budget": {"currencyCode": "EUR", "units": str(budget_eur)},
    }


def openai_env(data_dir: Path, fake: FakeOpenAI, **extra: str) -> dict[str, str]:
    """The environment of a mesh that asks `fake` first and falls back to the offline engine."""
    return base_env(
        data_dir,
        TRIPMESH_MODELS="openai:gpt-4.1-mini,offline",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake.base_url,
        **extra,
    )
