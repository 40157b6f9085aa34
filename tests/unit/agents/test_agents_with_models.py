"""The planner through the real provider chain against a fake OpenAI-compatible server:
a model's itinerary is taken when it passes the rules, and rejected (then the offline
engine answers) when it is schema-valid but breaks them.
"""

from typing import Any

from services.llm import ModelChain
from services.planner.offline_itinerary import draft_itinerary
from services.planner.planner import Planner
from services.travel.places import resolve_place
from tests.fakes import FakeOpenAI
from tests.unit.agents.support import trip

MODEL = "gpt-4.1-mini"


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
