"""Provider faults: rate limits, server errors, hangs, content filters, auth and bad requests."""

import time
from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from services.llm import ModelChain
from services.runtime.deadlines import deadline_scope
from services.runtime.errors import DeadlineExceeded, InvalidArgument, Unavailable
from tests.fakes import FakeGemini, FakeOpenAI, hang
from tests.unit.llm.conftest import GEMINI, GOOD, OPENAI, Calls, plan_task

OPENAI_THEN_OFFLINE = f"openai:{OPENAI},offline"


async def test_429_with_short_retry_after_waits_then_succeeds(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.push(FakeOpenAI.error(429, retry_after="1"), FakeOpenAI.answer(GOOD))
    started = time.monotonic()
    with deadline_scope(10):
        result = await make_chain().run(plan_task())

    assert result.provider == f"openai:{OPENAI}"
    assert time.monotonic() - started >= 0.95  # Retry-After honoured
    assert openai_fake.count() <= 3
    assert openai_fake.count() == 2


async def test_429_with_long_retry_after_fails_over_at_once(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, gemini_fake: FakeGemini
) -> None:
    openai_fake.push(FakeOpenAI.error(429, retry_after="300"))
    gemini_fake.push(FakeGemini.answer(GOOD))
    before = _fallbacks(f"openai:{OPENAI}", f"gemini:{GEMINI}", "rate_limited")
    started = time.monotonic()
    with deadline_scope(10):
        result = await make_chain().run(plan_task())

    # Neither the Retry-After (300 s) nor the deadline (10 s) was waited out.
    assert time.monotonic() - started < 5
    assert result.provider == f"gemini:{GEMINI}"
    assert openai_fake.count() == 1
    assert result.warnings == [
        f"model openai:{OPENAI} did not answer (rate_limited); fell back to gemini:{GEMINI}"
    ]
    assert _fallbacks(f"openai:{OPENAI}", f"gemini:{GEMINI}", "rate_limited") == before + 1


async def test_gemini_retry_info_in_the_body_counts_as_retry_after(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.error(429, retry_delay="300s"))
    result = await make_chain(f"gemini:{GEMINI},offline").run(plan_task())

    assert result.provider == "offline"
    assert gemini_fake.count() == 1


async def test_500s_open_the_breaker_then_no_calls_during_the_cooldown(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.default = FakeOpenAI.error(500)
    now = [1000.0]
    chain = make_chain(
        OPENAI_THEN_OFFLINE, clock=lambda: now[0], llm_breaker_failures=3, llm_breaker_cooldown=30
    )

    first = await chain.run(plan_task("Lisbon"))
    assert (first.provider, openai_fake.count()) == ("offline", 3)  # three attempts, then open
    assert chain.status() == {f"openai:{OPENAI}": "open", "offline": "closed"}
    assert chain.offline_only()
    assert REGISTRY.get_sample_value("tripmesh_llm_offline_only") == 1
    breaker = {"provider": f"openai:{OPENAI}"}
    assert REGISTRY.get_sample_value("tripmesh_llm_breaker_state", breaker) == 1

    second = await chain.run(plan_task("Porto"))
    assert second.provider == "offline"
    assert openai_fake.count() == 3  # not called while open
    assert "circuit_open" in second.warnings[0]

    now[0] += 29.9
    assert chain.status()[f"openai:{OPENAI}"] == "open"  # still cooling down
    now[0] += 0.2  # the cooldown is over: no sleeping through it
    assert chain.status()[f"openai:{OPENAI}"] == "half_open"
    openai_fake.default = FakeOpenAI.answer(GOOD)
    third = await chain.run(plan_task("Faro"))
    assert third.provider == f"openai:{OPENAI}"  # the probe succeeded
    assert openai_fake.count() == 4
    assert chain.status()[f"openai:{OPENAI}"] == "closed"
    assert not chain.offline_only()
    assert REGISTRY.get_sample_value("tripmesh_llm_offline_only") == 0


async def test_a_hang_is_cut_at_the_deadline_and_offline_answers(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, calls: Calls
) -> None:
    openai_fake.push(hang())
    started = time.monotonic()
    with deadline_scope(0.5):
        result = await make_chain(OPENAI_THEN_OFFLINE).run(plan_task())

    assert time.monotonic() - started < 0.5 + 1.0  # cut at the deadline; slack for a busy host
    assert result.provider == "offline"
    assert calls.outcomes() == ["deadline", "success"]


async def test_a_hang_without_offline_raises_deadline_exceeded(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.push(hang())
    started = time.monotonic()
    with deadline_scope(0.3), pytest.raises(DeadlineExceeded) as raised:
        await make_chain(f"openai:{OPENAI}").run(plan_task())

    assert 0.25 < time.monotonic() - started < 0.3 + 1.0  # at the deadline; slack for load
    assert raised.value.reason == "LLM_DEADLINE_EXCEEDED"


async def test_a_hang_without_deadline_is_cut_by_the_call_timeout_and_retried(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, calls: Calls
) -> None:
    openai_fake.push(hang(), hang())
    openai_fake.default = FakeOpenAI.answer(GOOD)
    result = await make_chain(OPENAI_THEN_OFFLINE, llm_call_timeout=0.2).run(plan_task())

    assert result.provider == f"openai:{OPENAI}"
    assert calls.outcomes() == ["timeout", "timeout", "success"]


async def test_an_expired_deadline_makes_no_call(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    with deadline_scope(0), pytest.raises(DeadlineExceeded):
        await make_chain().run(plan_task())
    assert openai_fake.count() == 0


@pytest.mark.parametrize(
    "reply",
    [FakeOpenAI.content_filter(), FakeOpenAI.error(400, "filtered", code="content_filter")],
    ids=["finish_reason", "azure_400"],
)
async def test_openai_content_filter_is_not_retried(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    gemini_fake: FakeGemini,
    reply: object,
) -> None:
    openai_fake.default = reply  # type: ignore[assignment]
    chain = make_chain()
    with pytest.raises(InvalidArgument) as raised:
        await chain.run(plan_task())

    assert raised.value.reason == "LLM_CONTENT_BLOCKED"
    assert openai_fake.count() == 1
    assert gemini_fake.count() == 0  # a block is not routed around
    assert chain.status()[f"openai:{OPENAI}"] == "closed"


@pytest.mark.parametrize(
    "reply", [FakeGemini.blocked_prompt(), FakeGemini.safety_finish()], ids=["prompt", "answer"]
)
async def test_gemini_safety_block_is_not_retried(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini, reply: object
) -> None:
    gemini_fake.default = reply  # type: ignore[assignment]
    with pytest.raises(InvalidArgument) as raised:
        await make_chain(f"gemini:{GEMINI},offline").run(plan_task())

    assert raised.value.reason == "LLM_CONTENT_BLOCKED"
    assert gemini_fake.count() == 1


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_bad_request_and_auth_errors_are_not_retried(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, status: int
) -> None:
    openai_fake.default = FakeOpenAI.error(status)
    result = await make_chain(OPENAI_THEN_OFFLINE).run(plan_task())

    assert result.provider == "offline"
    assert openai_fake.count() == 1


async def test_every_provider_failing_without_offline_is_unavailable(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, gemini_fake: FakeGemini
) -> None:
    openai_fake.default = FakeOpenAI.error(503)
    gemini_fake.default = FakeGemini.error(401)
    with pytest.raises(Unavailable) as raised:
        await make_chain(f"openai:{OPENAI},gemini:{GEMINI}").run(plan_task())

    assert raised.value.reason == "LLM_UNAVAILABLE"
    assert raised.value.retry_after is not None
    assert raised.value.metadata["failures"] == "unavailable,auth"
    assert (openai_fake.count(), gemini_fake.count()) == (3, 1)


async def test_the_client_side_rate_limit_fails_over_when_its_wait_is_too_long(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.default = FakeGemini.answer(GOOD)
    chain = make_chain(
        f"gemini:{GEMINI},offline", GEMINI_API_RATE_LIMIT=6, llm_rate_burst=1, llm_max_wait=0.5
    )
    assert (await chain.run(plan_task("Lisbon"))).provider == f"gemini:{GEMINI}"
    second = await chain.run(plan_task("Porto"))  # the next token is 10 s away

    assert second.provider == "offline"
    assert "throttled" in second.warnings[0]
    assert gemini_fake.count() == 1


def _fallbacks(source: str, target: str, reason: str) -> float:
    labels = {"from": source, "to": target, "reason": reason}
    return REGISTRY.get_sample_value("tripmesh_llm_fallbacks_total", labels) or 0.0
