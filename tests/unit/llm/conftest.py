"""Fake OpenAI and Gemini servers (one per module, reset per test) and chain factories."""

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from services.llm import LLMSettings, ModelChain, ModelTask, create_model_chain
from services.llm.records import ModelCallRecord
from tests.fakes import FakeAnthropic, FakeGemini, FakeOpenAI

OPENAI = "gpt-4.1-mini"
GEMINI = "gemini-2.5-flash"
CLAUDE = "claude-haiku-4-5"
BOTH = f"openai:{OPENAI},gemini:{GEMINI},offline"


class Stop(BaseModel):
    day: int = Field(ge=1)
    title: str
    cost: float  # the rule "never negative" is the task's check, not the schema's


class Plan(BaseModel):
    city: str
    stops: list[Stop]


GOOD = {
    "city": "Lisbon",
    "stops": [
        {"day": 1, "title": "Alfama walk", "cost": 10.0},
        {"day": 2, "title": "Belem tower", "cost": 12.5},
    ],
}
OFFLINE = Plan(
    city="Lisbon", stops=[Stop(day=1, title="offline", cost=0), Stop(day=2, title="x", cost=0)]
)


def check_plan(days: int) -> Callable[[Plan], list[str]]:
    def check(plan: Plan) -> list[str]:
        problems = [f"stop {i}: negative cost" for i, s in enumerate(plan.stops) if s.cost < 0]
        if len(plan.stops) != days:
            problems.append(f"expected {days} stops, got {len(plan.stops)}")
        return problems

    return check


def plan_task(city: str = "Lisbon", days: int = 2, **extra: Any) -> ModelTask[Plan]:
    return ModelTask(
        name="draft_itinerary",
        schema=Plan,
        variables={"city": city, "days": days, **extra},
        offline=lambda: OFFLINE,
        check=check_plan(days),
    )


@pytest.fixture(autouse=True)
def _no_provider_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the settings nor the SDKs may pick up a developer's keys or endpoints."""
    for name in (
        "OPENAI_BASE_URL",
        "GOOGLE_API_KEY",
        "GEMINI_BASE_URL",
        "GOOGLE_GENAI_API_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("GEMINI_API_RATE_LIMIT", "GEMINI_RETRY_ATTEMPTS", "GEMINI_FALLBACK_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def _openai_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="module")
def _gemini_server() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@pytest.fixture(scope="module")
def _anthropic_server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def anthropic_fake(_anthropic_server: FakeAnthropic) -> FakeAnthropic:
    _anthropic_server.reset()
    return _anthropic_server


@pytest.fixture
def openai_fake(_openai_server: FakeOpenAI) -> FakeOpenAI:
    _openai_server.reset()
    return _openai_server


@pytest.fixture
def gemini_fake(_gemini_server: FakeGemini) -> FakeGemini:
    _gemini_server.reset()
    return _gemini_server


@pytest.fixture
def make_settings(
    openai_fake: FakeOpenAI, gemini_fake: FakeGemini, anthropic_fake: FakeAnthropic
) -> Callable[..., LLMSettings]:
    """Settings against the fakes, with backoffs and cooldowns short enough for tests."""

    def make(models: str = BOTH, **overrides: Any) -> LLMSettings:
        values: dict[str, Any] = {
            "models": models,
            "OPENAI_API_KEY": "test-openai-key",
            "OPENAI_BASE_URL": openai_fake.base_url,
            "GEMINI_API_KEY": "test-gemini-key",
            "GEMINI_BASE_URL": gemini_fake.base_url,
            "GEMINI_API_RATE_LIMIT": 0,
            "ANTHROPIC_API_KEY": "test-anthropic-key",
            "ANTHROPIC_BASE_URL": anthropic_fake.base_url,
            "llm_backoff_base": 0.01,
            "llm_backoff_cap": 0.05,
            "llm_breaker_cooldown": 0.5,
            "llm_call_timeout": 5.0,
            "llm_deadline_margin": 0.05,
        }
        values.update(overrides)
        return LLMSettings(**values)

    return make


class Calls(list[ModelCallRecord]):
    """The on_call hook's records."""

    def outcomes(self) -> list[str]:
        return [record.outcome for record in self]


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
async def make_chain(
    make_settings: Callable[..., LLMSettings], calls: Calls
) -> AsyncIterator[Callable[..., ModelChain]]:
    chains: list[ModelChain] = []

    def make(
        models: str = BOTH, clock: Callable[[], float] = time.monotonic, **overrides: Any
    ) -> ModelChain:
        settings = make_settings(models, **overrides)
        chain = create_model_chain(settings, on_call=calls.append, clock=clock)
        chains.append(chain)
        return chain

    yield make
    for chain in chains:
        await chain.aclose()
