"""The response cache, usage and cost from the price table, metrics and the on_call hook."""

from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from services.llm import LLMSettings, ModelChain, create_model_chain
from services.llm.cache import MemoryCache, cache_key
from tests.fakes import FakeGemini, FakeOpenAI
from tests.unit.llm.conftest import GEMINI, GOOD, OPENAI, Calls, plan_task


async def test_a_repeated_request_makes_no_provider_call(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, calls: Calls
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    chain = make_chain()
    hits, misses = _cache("hit"), _cache("miss")
    first = await chain.run(plan_task("Lisbon", interests=["food", "history"]))
    again = await chain.run(plan_task(" Lisbon ", interests=["food", "history"]))

    assert openai_fake.count() == 1
    assert again.value == first.value
    assert again.provider == f"cache:openai:{OPENAI}"  # the cache's, naming its source
    assert again.usage.model_calls == 0
    assert again.usage.cost_usd == 0
    hit = calls[1]
    assert (hit.provider, hit.model, hit.outcome, hit.cost_usd) == (
        "cache",
        f"openai:{OPENAI}",
        "success",
        0,
    )
    assert len(calls) == 2
    assert (_cache("hit"), _cache("miss")) == (hits + 1, misses + 1)

    await chain.run(plan_task("Lisbon", interests=["food"]))  # other inputs: asked again
    assert openai_fake.count() == 2


async def test_the_cache_can_be_turned_off(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    chain = make_chain(llm_cache_size=0)
    await chain.run(plan_task())
    await chain.run(plan_task())
    assert openai_fake.count() == 2


async def test_memory_cache_expires_and_evicts() -> None:
    now = [0.0]
    cache = MemoryCache(max_entries=2, ttl=10, clock=lambda: now[0])
    await cache.set("a", "1")
    await cache.set("b", "2")
    assert await cache.get("a") == "1"  # "a" is now the most recent
    await cache.set("c", "3")
    assert (await cache.get("b"), await cache.get("a")) == (None, "1")
    now[0] = 10.0
    assert await cache.get("a") is None


def test_cache_key_normalizes_the_request_and_separates_model_and_prompt_version() -> None:
    schema = {"type": "object"}
    key = cache_key("draft_itinerary", {"a": 1, "b": "Lisboa"}, "openai:m", 1, schema)
    assert cache_key("Draft_Itinerary ", {"b": " Lisboa", "a": 1}, "openai:m", 1, schema) == key
    assert cache_key("draft_itinerary", {"a": 1, "b": "Lisboa"}, "gemini:m", 1, schema) != key
    assert cache_key("draft_itinerary", {"a": 1, "b": "Lisboa"}, "openai:m", 2, schema) != key
    assert cache_key("draft_itinerary", {"a": 1, "b": "Lisboa"}, "openai:m", 1, {}) != key


async def test_usage_and_cost_come_from_the_price_table(
    make_chain: Callable[..., ModelChain],
    openai_fake: FakeOpenAI,
    calls: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = "gpt-priced"
    monkeypatch.setenv("TRIPMESH_LLM_PRICES", f'{{"{model}": {{"input": 2.0, "output": 8.0}}}}')
    openai_fake.push(
        FakeOpenAI.answer("not json", prompt_tokens=1000, completion_tokens=100),
        FakeOpenAI.answer(GOOD, prompt_tokens=1200, completion_tokens=400),
    )
    labels = {"provider": "openai", "model": model}
    chain = make_chain(f"openai:{model},offline", openai_response_format="json_object")
    result = await chain.run(plan_task())  # JSON mode: strict mode never answers "not json"

    assert result.usage.model_calls == 2
    assert (result.usage.input_tokens, result.usage.output_tokens) == (2200, 500)
    assert result.usage.cost_usd == pytest.approx((2200 * 2.0 + 500 * 8.0) / 1e6)
    assert [record.cost_usd for record in calls] == pytest.approx([0.0028, 0.0056])
    assert [(r.provider, r.model, r.task) for r in calls] == [
        ("openai", model, "draft_itinerary")
    ] * 2
    assert _sample("tripmesh_llm_cost_usd_total", labels) == pytest.approx(0.0084)
    assert _sample("tripmesh_llm_tokens_total", {**labels, "direction": "input"}) == 2200
    assert _sample("tripmesh_llm_tokens_total", {**labels, "direction": "output"}) == 500
    assert _sample("tripmesh_llm_requests_total", {**labels, "outcome": "malformed"}) == 1
    assert _sample("tripmesh_llm_requests_total", {**labels, "outcome": "success"}) == 1


async def test_default_prices_and_unknown_models(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.answer(GOOD, prompt_tokens=1_000_000, output_tokens=0))
    priced = await make_chain(f"gemini:{GEMINI}").run(plan_task())
    assert priced.usage.cost_usd == pytest.approx(0.30)  # gemini-2.5-flash input list price

    gemini_fake.push(FakeGemini.answer(GOOD))
    unknown = await make_chain("gemini:gemini-unpriced").run(plan_task())
    assert unknown.usage.cost_usd == 0
    assert unknown.usage.input_tokens == 100


async def test_a_failing_hook_does_not_fail_the_call(
    make_settings: Callable[..., LLMSettings], openai_fake: FakeOpenAI
) -> None:
    def broken(record: object) -> None:
        raise RuntimeError("monitor down")

    openai_fake.push(FakeOpenAI.answer(GOOD))
    chain = create_model_chain(make_settings(), on_call=broken)
    try:
        assert (await chain.run(plan_task())).provider == f"openai:{OPENAI}"
    finally:
        await chain.aclose()


def _cache(result: str) -> float:
    return _sample("tripmesh_llm_cache_total", {"result": result})


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class BrokenCache:
    """A shared cache that is down."""

    async def get(self, key: str) -> str | None:
        raise ConnectionError("cache down")

    async def set(self, key: str, value: str) -> None:
        raise ConnectionError("cache down")


async def test_a_cache_that_is_down_costs_a_call_not_the_answer(
    make_settings: Callable[..., LLMSettings], openai_fake: FakeOpenAI
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    chain = create_model_chain(make_settings(), cache=BrokenCache())
    try:
        assert (await chain.run(plan_task())).provider == f"openai:{OPENAI}"
        assert (await chain.run(plan_task())).provider == f"openai:{OPENAI}"  # no hit
    finally:
        await chain.aclose()
    assert openai_fake.count() == 2
