"""A key's model budget in the chain (the in-process ledger): the worst case is reserved
before a call, the real cost settled after, and a spent budget goes offline or is refused."""

from collections.abc import Callable, Iterator

import pytest

from services.llm import ModelChain
from services.runtime.caller import Caller, caller_var
from services.runtime.errors import ResourceExhausted
from tests.fakes import FakeOpenAI
from tests.unit.llm.conftest import GOOD, OPENAI, plan_task

PRICES = {OPENAI: {"input": 10, "output": 10}}  # USD per million tokens


@pytest.fixture
def caller() -> Iterator[None]:
    token = caller_var.set(Caller("app", usd_per_day=0.05))
    yield
    caller_var.reset(token)


@pytest.mark.usefixtures("caller")
async def test_calls_stop_at_the_budget_and_the_rest_plan_offline(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    # 2000 tokens in and 100 out: 0.021 USD a call, about its worst case: two fit in 0.05.
    openai_fake.default = FakeOpenAI.answer(GOOD, prompt_tokens=2000, completion_tokens=100)
    chain = make_chain(
        f"openai:{OPENAI},offline", llm_prices=PRICES, llm_max_output_tokens=100, llm_cache_size=0
    )
    providers = [(await chain.run(plan_task(days=2))).provider for _ in range(5)]
    assert providers[0] == f"openai:{OPENAI}"
    assert providers[-1] == "offline"
    assert 1 <= openai_fake.count() == providers.count(f"openai:{OPENAI}") <= 3
    result = await chain.run(plan_task(days=2))
    assert any("model budget of key app is spent" in w for w in result.warnings)


@pytest.mark.usefixtures("caller")
async def test_a_spent_budget_can_be_refused_with_the_reset_time(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD, prompt_tokens=2000, completion_tokens=100)
    chain = make_chain(
        f"openai:{OPENAI},offline",
        llm_prices=PRICES,
        llm_max_output_tokens=100,
        llm_cache_size=0,
        budget_exceeded="refuse",
    )
    with pytest.raises(ResourceExhausted) as refused:  # noqa: PT012
        for _ in range(5):
            await chain.run(plan_task(days=2))
    assert refused.value.reason == "BUDGET_EXCEEDED"
    assert refused.value.metadata["reset_time"].endswith("T00:00:00+00:00")
    assert refused.value.retry_after is not None
    assert 0 < refused.value.retry_after <= 86_400
