"""Claude through the real anthropic SDK against a fake of the Messages API: structured
answers by a forced strict tool, re-asks as tool results, and the fault profiles."""

import time
from collections.abc import Callable
from typing import Any

import anthropic
import pytest

from services.llm import ModelChain
from services.llm.pricing import DEFAULT_PRICES
from services.runtime.deadlines import deadline_scope
from services.runtime.errors import InvalidArgument
from tests.fakes import FakeAnthropic, hang
from tests.fakes.strict_rules import ANTHROPIC, strict_violation
from tests.unit.llm.conftest import CLAUDE, GOOD, Calls, plan_task

CLAUDE_THEN_OFFLINE = f"anthropic:{CLAUDE},offline"


async def test_claude_answers_through_a_forced_strict_tool(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic, calls: Calls
) -> None:
    anthropic_fake.push(FakeAnthropic.answer(GOOD, input_tokens=1000, output_tokens=200))
    result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.provider == f"anthropic:{CLAUDE}"
    assert result.value.model_dump() == GOOD
    price = DEFAULT_PRICES[CLAUDE]
    assert result.usage.cost_usd == pytest.approx((1000 * price.input + 200 * price.output) / 1e6)
    request = anthropic_fake.calls[0]
    key = request.headers.get("x-api-key") or request.headers["authorization"]
    assert key.endswith("test-anthropic-key")
    assert request.body["tool_choice"] == {"type": "tool", "name": "Plan"}
    (tool,) = request.body["tools"]
    assert tool["strict"] is True
    assert strict_violation(tool["input_schema"], ANTHROPIC) is None
    assert "planner agent" in request.body["system"]
    assert calls.outcomes() == ["success"]


async def test_a_reask_answers_the_tool_call_with_its_errors(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic
) -> None:
    one_stop = {**GOOD, "stops": GOOD["stops"][:1]}  # schema-valid, breaks the task's rule
    anthropic_fake.push(FakeAnthropic.answer(one_stop), FakeAnthropic.answer(GOOD))
    result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.value.model_dump() == GOOD
    assert result.usage.model_calls == 2
    assistant, reask = anthropic_fake.calls[1].body["messages"][1:]
    assert assistant["content"][0]["type"] == "tool_use"
    assert reask["content"][0]["tool_use_id"] == assistant["content"][0]["id"]
    assert "expected 2 stops" in reask["content"][0]["content"]


async def _ask_with_tool(fake: FakeAnthropic, schema: dict[str, Any]) -> None:
    """One Messages call forcing a strict tool of `schema`, straight through the SDK."""
    client = anthropic.AsyncAnthropic(api_key="k", base_url=fake.base_url, max_retries=0)
    try:
        await client.messages.create(
            model=CLAUDE,
            max_tokens=100,
            messages=[{"role": "user", "content": "plan"}],
            tools=[{"name": "Plan", "input_schema": schema, "strict": True}],
            tool_choice={"type": "tool", "name": "Plan"},
        )
    finally:
        await client.close()


async def test_the_fake_refuses_a_tool_input_that_breaks_the_tool_schema(
    anthropic_fake: FakeAnthropic,
) -> None:
    anthropic_fake.push(FakeAnthropic.answer({"city": 3}))
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    }
    with pytest.raises(anthropic.InternalServerError) as raised:
        await _ask_with_tool(anthropic_fake, schema)
    assert "breaks the tool's schema" in str(raised.value)


async def test_a_strict_tool_schema_breaking_the_rules_is_a_400(
    anthropic_fake: FakeAnthropic,
) -> None:
    anthropic_fake.push(FakeAnthropic.answer({"city": "Lisbon"}))
    open_object = {"type": "object", "properties": {"city": {"type": "string"}}}
    with pytest.raises(anthropic.BadRequestError) as raised:
        await _ask_with_tool(anthropic_fake, open_object)
    assert "'additionalProperties' is required" in str(raised.value)


@pytest.mark.parametrize("status", [429, 529])
async def test_429_and_529_with_short_retry_after_wait_then_succeed(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic, status: int
) -> None:
    anthropic_fake.push(FakeAnthropic.error(status, retry_after="1"), FakeAnthropic.answer(GOOD))
    started = time.monotonic()
    with deadline_scope(10):
        result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.provider == f"anthropic:{CLAUDE}"
    assert time.monotonic() - started >= 0.95  # Retry-After honoured
    assert anthropic_fake.count() == 2


async def test_529_with_long_retry_after_fails_over_at_once(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic
) -> None:
    anthropic_fake.push(FakeAnthropic.error(529, "Overloaded", retry_after="300"))
    with deadline_scope(10):
        result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.provider == "offline"
    assert anthropic_fake.count() == 1
    assert result.warnings == [
        f"model anthropic:{CLAUDE} did not answer (unavailable); fell back to offline"
    ]


async def test_a_hang_is_cut_at_the_deadline_and_offline_answers(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic
) -> None:
    anthropic_fake.push(hang())
    with deadline_scope(1.0):
        result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.provider == "offline"
    assert "deadline" in result.warnings[0]


async def test_a_refusal_is_blocked_not_retried(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic
) -> None:
    anthropic_fake.push(FakeAnthropic.refusal())
    with pytest.raises(InvalidArgument) as raised:
        await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert raised.value.reason == "LLM_CONTENT_BLOCKED"
    assert anthropic_fake.count() == 1


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_bad_request_and_auth_errors_are_not_retried(
    make_chain: Callable[..., ModelChain], anthropic_fake: FakeAnthropic, status: int
) -> None:
    anthropic_fake.push(FakeAnthropic.error(status))
    result = await make_chain(CLAUDE_THEN_OFFLINE).run(plan_task())

    assert result.provider == "offline"
    assert anthropic_fake.count() == 1
