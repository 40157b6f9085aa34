"""The planner through the real provider chain against a fake OpenAI-compatible server:
a model's itinerary is taken when it passes the rules, and rejected (then the offline
engine answers) when it is schema-valid but breaks them.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from services.llm import LLMSettings, ModelChain, create_model_chain
from services.planner.offline_itinerary import draft_itinerary
from services.planner.planner import Planner
from services.travel.places import resolve_place
from tests.fakes import FakeOpenAI
from tests.unit.agents.support import trip

MODEL = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def openai_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def chain(openai_fake: FakeOpenAI) -> AsyncIterator[ModelChain]:
    openai_fake.reset()
    values: dict[str, Any] = {  # the settings take the environment variables' names
        "models": f"openai:{MODEL},offline",
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": openai_fake.base_url,
        "llm_backoff_base": 0.01,
        "llm_backoff_cap": 0.05,
        "llm_call_timeout": 5.0,
    }
    settings = LLMSettings(**values)
    model_chain = create_model_chain(settings)
    yield model_chain
    await model_chain.aclose()


def _offline_answer() -> dict[str, Any]:
    request = trip()
    return draft_itinerary(request, resolve_place(request.destination).place).model_dump(
        mode="json"
    )


async def test_a_valid_model_itinerary_is_used(openai_fake: FakeOpenAI, chain: ModelChain) -> None:
    answer = _offline_answer()
    answer["days"][0]["activities"][0]["title"] = "Tram 28 through Alfama"
    openai_fake.push(FakeOpenAI.answer(answer))
    result = await Planner(chain).draft(trip())
    assert result.provider == f"openai:{MODEL}"
    assert result.usage.model_calls == 1
    assert result.value.draft.days[0].activities[0].title == "Tram 28 through Alfama"


async def test_a_rule_breaking_model_itinerary_falls_back_to_offline(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    answer = _offline_answer()
    answer["days"] = answer["days"][:2]  # schema-valid, but two days for a four-day trip
    openai_fake.push(FakeOpenAI.answer(answer), FakeOpenAI.answer(answer))
    result = await Planner(chain).draft(trip())
    assert openai_fake.count() == 2  # asked, then re-asked once with the violations
    assert result.provider == "offline"
    assert len(result.value.draft.days) == 4
    assert any("fell back to offline" in w for w in result.warnings)
