"""Answers that are not usable as given: repaired where safe, re-asked once, then passed on."""

import json
from collections.abc import Callable

import pytest

from services.llm import ModelChain
from services.llm.structured import MalformedAnswer, parse_answer
from tests.fakes import FakeGemini, FakeOpenAI
from tests.unit.llm.conftest import GEMINI, GOOD, OPENAI, Calls, Plan, check_plan, plan_task

RULE_BREAKING = {**GOOD, "stops": [{"day": 1, "title": "Casino", "cost": -5.0}] * 2}


@pytest.mark.parametrize(
    "text",
    [
        "```json\n" + json.dumps(GOOD) + "\n```",
        json.dumps(GOOD)[:-1] + ",}",  # a trailing comma
        "Here is your plan: " + json.dumps(GOOD),
        json.dumps(GOOD)[:-3],  # cut off
    ],
    ids=["fence", "trailing_comma", "prose", "truncated"],
)
def test_repairable_answers_are_repaired(text: str) -> None:
    parsed = parse_answer(text, Plan, check_plan(2))
    assert parsed.value.model_dump() == GOOD
    assert parsed.repaired


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "the answer is empty"),
        ("I am sorry, I cannot help with that.", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"city": "Lisbon"}', "stops: Field required"),
        (json.dumps(RULE_BREAKING), "stop 0: negative cost"),
    ],
)
def test_unusable_answers_say_why(text: str, error: str) -> None:
    with pytest.raises(MalformedAnswer) as raised:
        parse_answer(text, Plan, check_plan(2))
    assert error in str(raised.value)
    assert raised.value.text == text


async def test_malformed_json_is_repaired_without_a_second_call(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    # JSON mode, as OpenAI-compatible servers serve it (strict mode never gives this)
    openai_fake.push(FakeOpenAI.answer("```json\n" + json.dumps(GOOD)[:-1] + ",}\n```"))
    result = await make_chain(openai_response_format="json_object").run(plan_task())

    assert result.provider == f"openai:{OPENAI}"
    assert result.value.model_dump() == GOOD
    assert openai_fake.count() == 1


async def test_a_truncated_answer_is_repaired(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.answer(json.dumps(GOOD)[:-3], finish_reason="MAX_TOKENS"))
    result = await make_chain(f"gemini:{GEMINI},offline").run(plan_task())

    assert result.value.model_dump() == GOOD
    assert gemini_fake.count() == 1


async def test_an_unrepairable_answer_is_re_asked_once_with_the_error(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, calls: Calls
) -> None:
    openai_fake.push(FakeOpenAI.answer("Sorry, no JSON today."), FakeOpenAI.answer(GOOD))
    result = await make_chain(openai_response_format="json_object").run(plan_task())  # JSON mode

    assert result.provider == f"openai:{OPENAI}"
    assert openai_fake.count() == 2
    assert calls.outcomes() == ["malformed", "success"]
    assert result.usage.model_calls == 2  # both answers were billed
    messages = openai_fake.calls[1].body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == "Sorry, no JSON today."
    assert "the answer is not JSON" in messages[3]["content"]


async def test_a_rule_breaking_answer_is_rejected_and_the_next_provider_answers(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    gemini_fake: FakeGemini,
    calls: Calls,
) -> None:
    openai_fake.default = FakeOpenAI.answer(RULE_BREAKING)
    gemini_fake.push(FakeGemini.answer(GOOD))
    result = await make_chain().run(plan_task())

    assert result.provider == f"gemini:{GEMINI}"
    assert result.value.model_dump() == GOOD
    assert openai_fake.count() == 2  # the answer and its one re-ask
    assert "negative cost" in openai_fake.calls[1].body["messages"][-1]["content"]
    assert calls.outcomes() == ["malformed", "malformed", "success"]
    assert result.warnings == [
        f"model openai:{OPENAI} did not answer (malformed); fell back to gemini:{GEMINI}"
    ]


async def test_re_asks_can_be_turned_off(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.default = FakeOpenAI.answer(RULE_BREAKING)
    result = await make_chain(f"openai:{OPENAI},offline", llm_reasks=0).run(plan_task())

    assert result.provider == "offline"
    assert openai_fake.count() == 1
