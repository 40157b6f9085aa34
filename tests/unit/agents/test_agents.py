"""The agent classes over a chain of the ModelChain shape."""

import json
from decimal import Decimal
from typing import Any

import pytest

from services.agents.itinerary import PlannedItinerary
from services.agents.request import Pace
from services.agents.schemas import BudgetDraft, GuideDraft, ItineraryDraft, SavingsDraft
from services.budget.estimator import BudgetEstimator
from services.guide.advisor import Advisor
from services.llm import LLMSettings, create_model_chain
from services.planner.planner import Planner
from services.runtime.errors import Internal, InvalidArgument
from services.travel.money import Money
from tests.unit.agents.support import ScriptedChain, trip


async def _plan(**changes: Any) -> PlannedItinerary:
    return (await Planner(ScriptedChain()).draft(trip(**changes))).value


async def test_planner_builds_a_task_for_the_chain() -> None:
    chain = ScriptedChain()
    result = await Planner(chain).draft(trip())
    (task,) = chain.tasks
    assert task.name == "draft_itinerary"
    assert task.schema is ItineraryDraft
    json.dumps(dict(task.variables))  # JSON-able
    assert task.variables["dates"][0] == "2027-05-01"
    assert task.check(result.value.draft) == []
    assert result.provider == "offline"
    assert result.usage.model_calls == 0
    assert result.value.place.name == "Lisbon"


async def test_planner_with_the_real_offline_chain() -> None:
    chain = create_model_chain(LLMSettings())
    one = await Planner(chain).draft(trip())
    two = await Planner(chain).draft(trip())
    assert one.provider == "offline"
    assert one.value.draft.model_dump_json() == two.value.draft.model_dump_json()


async def test_planner_takes_a_good_model_answer() -> None:
    offline = (await _plan()).draft

    def answer(task: Any) -> Any:
        data = offline.model_dump(mode="json")
        data["days"][0]["activities"][0]["title"] = "Tram 28 through Alfama"
        return data

    result = await Planner(ScriptedChain(answer)).draft(trip())
    assert result.provider == "fake:model"
    assert result.usage.model_calls == 1
    assert result.value.draft.days[0].activities[0].title == "Tram 28 through Alfama"
    assert "from the script" in result.warnings


async def test_a_rule_breaking_model_answer_is_never_returned() -> None:
    offline = (await _plan()).draft

    def answer(task: Any) -> Any:
        return {
            **offline.model_dump(mode="json"),
            "days": offline.model_dump(mode="json")["days"][:2],
        }

    with pytest.raises(Internal) as caught:
        await Planner(ScriptedChain(answer)).draft(trip())
    assert caught.value.reason == "OUTPUT_CHECK_FAILED"


async def test_revise_lowers_cost_and_reports_changes() -> None:
    plan = await _plan()
    estimate = (await BudgetEstimator(ScriptedChain()).estimate(trip(), plan)).value
    target = Money(estimate.total * Decimal("0.8"), "EUR")
    chain = ScriptedChain()
    result = await Planner(chain).revise(trip(), plan, target, ["activities"])
    assert chain.tasks[0].name == "revise_itinerary"
    revised = (await BudgetEstimator(ScriptedChain()).estimate(trip(), result.value)).value
    assert revised.total < estimate.total
    assert [d.date for d in result.value.draft.days] == [d.date for d in plan.draft.days]
    assert any("costs" in w for w in result.warnings)


async def test_revise_refuses_a_bad_target() -> None:
    plan = await _plan()
    with pytest.raises(InvalidArgument) as caught:
        await Planner(ScriptedChain()).revise(trip(), plan, Money(Decimal(0), "EUR"), [])
    assert (caught.value.reason, caught.value.field) == ("INVALID_TARGET_TOTAL", "target_total")


async def test_budget_within_budget_asks_no_model() -> None:
    chain = ScriptedChain(answer=lambda task: {"savings": ["never used"]})
    result = await BudgetEstimator(chain).estimate(trip(), await _plan())
    assert chain.tasks == []
    assert result.value.within_budget
    assert result.value.savings == []


async def test_budget_over_budget_takes_only_savings_from_the_model() -> None:
    request = trip(budget=Money(Decimal(300), "EUR"))
    plan = await _plan(budget=Money(Decimal(300), "EUR"))
    offline = (await BudgetEstimator(ScriptedChain()).estimate(request, plan)).value
    assert not offline.within_budget
    assert len(offline.savings) >= 3
    assert any("Shorten the trip" in s for s in offline.savings)
    chain = ScriptedChain(answer=lambda task: {"savings": ["Picnic instead of dinners out."]})
    result = await BudgetEstimator(chain).estimate(request, plan)
    assert chain.tasks[0].name == "estimate_budget"
    assert chain.tasks[0].schema is SavingsDraft
    assert result.value.savings == ["Picnic instead of dinners out."]
    assert result.value.model_copy(update={"savings": offline.savings}) == offline
    assert isinstance(result.value, BudgetDraft)


async def test_budget_rejects_a_broken_itinerary() -> None:
    plan = await _plan()
    broken = plan.draft.model_copy(update={"days": plan.draft.days[:1]})
    with pytest.raises(InvalidArgument) as caught:
        await BudgetEstimator(ScriptedChain()).estimate(
            trip(), PlannedItinerary(plan.place, broken)
        )
    assert (caught.value.reason, caught.value.field) == ("INVALID_ITINERARY", "itinerary")


async def test_guide_advice() -> None:
    chain = ScriptedChain()
    result = await Advisor(chain).advise(trip(), await _plan())
    advice = result.value
    assert isinstance(advice, GuideDraft)
    categories = {t.category for t in advice.tips}
    assert {"etiquette", "safety", "season", "money", "transport", "language"} <= categories
    assert advice.season == "spring"
    assert advice.time_zone == "Europe/Lisbon"
    assert advice.phrases[0].language == "pt-PT"
    assert chain.tasks[0].name == "get_advice"
    money = next(t.text for t in advice.tips if t.category == "money")
    assert "EUR" in money


async def test_guide_without_itinerary_resolves_the_destination() -> None:
    result = await Advisor(ScriptedChain()).advise(trip(destination="Valencia"), None)
    assert result.value.time_zone == "America/Caracas"
    assert result.warnings
    assert "most populous" in result.warnings[0]
    assert result.value.phrases[0].local == "Hola"


async def test_planner_says_when_it_ran_out_of_activities() -> None:
    request = trip(destination="Longyearbyen", days=30, pace=Pace.PACKED)
    result = await Planner(ScriptedChain()).draft(request)
    assert any("free time" in w for w in result.warnings)
