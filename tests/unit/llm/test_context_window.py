"""An input too long for a model's context window, in each SDK's shape, moves on to the
next model at once, and the breaker does not count it against the provider."""

from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from services.llm import ModelChain
from tests.fakes import FakeAnthropic, FakeGemini, FakeOpenAI
from tests.fakes.scripted import Reply, ScriptedServer
from tests.unit.llm.conftest import CLAUDE, GEMINI, GOOD, OPENAI, plan_task

ANSWERS = {
    "openai": FakeOpenAI.answer(GOOD),
    "gemini": FakeGemini.answer(GOOD),
    "anthropic": FakeAnthropic.answer(GOOD),
}
# The first model's "too long", and the model after it.
CASES: dict[str, tuple[str, Reply, str]] = {
    "openai": (f"openai:{OPENAI}", FakeOpenAI.too_long(), f"gemini:{GEMINI}"),
    "gemini": (f"gemini:{GEMINI}", FakeGemini.too_long(), f"anthropic:{CLAUDE}"),
    "anthropic": (f"anthropic:{CLAUDE}", FakeAnthropic.too_long(), f"openai:{OPENAI}"),
    "anthropic-413": (
        f"anthropic:{CLAUDE}",
        FakeAnthropic.error(413, "Request exceeds the maximum size", "request_too_large"),
        f"openai:{OPENAI}",
    ),
    # An answer that stopped because the context window was full (billed, so counted).
    "anthropic-stop-reason": (
        f"anthropic:{CLAUDE}",
        FakeAnthropic.text("", stop_reason="model_context_window_exceeded"),
        f"openai:{OPENAI}",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_context_window_error_moves_to_the_next_model(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    gemini_fake: FakeGemini,
    anthropic_fake: FakeAnthropic,
    case: str,
) -> None:
    fakes: dict[str, ScriptedServer] = {
        "openai": openai_fake,
        "gemini": gemini_fake,
        "anthropic": anthropic_fake,
    }
    first, too_long, second = CASES[case]
    first_fake, second_kind = fakes[first.split(":")[0]], second.split(":")[0]
    first_fake.push(too_long)
    fakes[second_kind].push(ANSWERS[second_kind])
    before = _fallbacks(first, second)
    # One counted failure would open the breaker.
    chain = make_chain(f"{first},{second},offline", llm_breaker_failures=1)

    result = await chain.run(plan_task())

    assert result.provider == second
    assert result.warnings == [
        f"model {first} did not answer (context_window); fell back to {second}"
    ]
    assert first_fake.count() == 1  # not retried
    assert chain.status()[first] == "closed"
    assert _fallbacks(first, second) == before + 1


def _fallbacks(source: str, target: str) -> float:
    labels = {"from": source, "to": target, "reason": "context_window"}
    return REGISTRY.get_sample_value("tripmesh_llm_fallbacks_total", labels) or 0.0
