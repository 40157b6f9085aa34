"""An input too long for a model's context window, in each SDK's shape, moves on to the
next model at once, and the breaker does not count it against the provider."""

from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from services.llm import ModelChain
from tests.fakes import FakeAnthropic, FakeGemini, FakeOpenAI
from tests.fakes.scripted import Reply, ScriptedServer
from tests.unit.llm.conftest import CLAUDE, GEMINI, GOOD, OPENAI, plan_task

CASES = {
    "openai": (f"openai:{OPENAI}", f"gemini:{GEMINI}"),
    "gemini": (f"gemini:{GEMINI}", f"anthropic:{CLAUDE}"),
    "anthropic": (f"anthropic:{CLAUDE}", f"openai:{OPENAI}"),
}


@pytest.mark.parametrize("kind", list(CASES))
async def test_a_context_window_error_moves_to_the_next_model(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    gemini_fake: FakeGemini,
    anthropic_fake: FakeAnthropic,
    kind: str,
) -> None:
    fakes: dict[str, tuple[ScriptedServer, Reply, Reply]] = {
        "openai": (openai_fake, FakeOpenAI.too_long(), FakeOpenAI.answer(GOOD)),
        "gemini": (gemini_fake, FakeGemini.too_long(), FakeGemini.answer(GOOD)),
        "anthropic": (anthropic_fake, FakeAnthropic.too_long(), FakeAnthropic.answer(GOOD)),
    }
    first, second = CASES[kind]
    fakes[kind][0].push(fakes[kind][1])
    next_kind = second.split(":")[0]
    fakes[next_kind][0].push(fakes[next_kind][2])
    before = _fallbacks(first, second)
    # One counted failure would open the breaker.
    chain = make_chain(f"{first},{second},offline", llm_breaker_failures=1)

    result = await chain.run(plan_task())

    assert result.provider == second
    assert result.warnings == [
        f"model {first} did not answer (context_window); fell back to {second}"
    ]
    assert fakes[kind][0].count() == 1  # not retried
    assert chain.status()[first] == "closed"
    assert _fallbacks(first, second) == before + 1


def _fallbacks(source: str, target: str) -> float:
    labels = {"from": source, "to": target, "reason": "context_window"}
    return REGISTRY.get_sample_value("tripmesh_llm_fallbacks_total", labels) or 0.0
