"""The budget agent: prices an itinerary exactly and suggests savings when it is over budget.

Pricing is arithmetic over the itinerary and the cost table, so it stays exact and
deterministic whoever proposed the itinerary. The exchange rates come first, from the
rates source (the router's `currency.convert` in the server), all pairs at once; the
model chain is asked only for the savings text, and only when the trip is over budget.
"""

from services.agents.checks import check_budget, check_itinerary, check_savings
from services.agents.itinerary import PlannedItinerary
from services.agents.model_runner import AgentResult, ModelRunner
from services.agents.pricing import Pair, Rate, currency_pairs, price_itinerary, rates_from
from services.agents.request import TripRequest
from services.agents.routed import routed_or_local
from services.agents.schemas import BudgetDraft, SavingsDraft
from services.agents.variables import trip_variables
from services.budget.offline_estimate import savings_suggestions
from services.budget.rate_sources import LocalRates, RatesFactory, local_rates
from services.guardrails.output import enforce, reject_input
from services.llm.chain import ModelTask
from services.travel import fx
from services.travel.places import Place


class BudgetEstimator:
    """Prices itineraries against the traveller's budget."""

    def __init__(self, chain: ModelRunner, rates: RatesFactory = LocalRates) -> None:
        self._chain = chain
        self._rates = rates

    async def estimate(
        self, request: TripRequest, itinerary: PlannedItinerary
    ) -> AgentResult[BudgetDraft]:
        """Totals per traveller and for the group, line items by category, in the budget's
        currency; savings suggestions when over budget.
        """
        place, draft = itinerary.place, itinerary.draft
        reject_input(
            check_itinerary(draft, request, currencies=fx.supported_currencies(), revision=True),
            "itinerary",
            "itinerary",
        )
        known, warnings = await self._fetch_rates(currency_pairs(request, place, draft))
        with rates_from(known):
            result = await self._price(request, itinerary)
        return AgentResult(result.value, warnings + result.warnings, result.usage, result.provider)

    async def _fetch_rates(self, pairs: set[Pair]) -> tuple[dict[Pair, Rate], list[str]]:
        return await routed_or_local(
            self._rates().prefetch(pairs), lambda: local_rates(pairs), "exchange rates"
        )

    async def _price(
        self, request: TripRequest, itinerary: PlannedItinerary
    ) -> AgentResult[BudgetDraft]:
        place, draft = itinerary.place, itinerary.draft
        exact = price_itinerary(request, place, draft)
        if exact.within_budget:
            enforce(check_budget(exact, request), "budget estimate", provider="offline")
            return AgentResult(exact)
        result = await self._chain.run(_savings_task(request, place, itinerary, exact))
        value = exact.model_copy(update={"savings": list(result.value.savings)})
        enforce(check_budget(value, request), "budget estimate", provider=result.provider)
        return AgentResult(value, list(result.warnings), result.usage, result.provider)


def _savings_task(
    request: TripRequest, place: Place, itinerary: PlannedItinerary, exact: BudgetDraft
) -> ModelTask[SavingsDraft]:
    draft = itinerary.draft

    def check(answer: SavingsDraft) -> list[str]:
        return check_savings(answer.savings, over_budget=True)

    return ModelTask(
        name="estimate_budget",
        schema=SavingsDraft,
        variables={
            **trip_variables(request, place),
            "itinerary": draft.model_dump(mode="json"),
            "estimate": exact.model_dump(mode="json"),
            "over_by": str(exact.total - request.budget.amount),
            "task": "suggest concrete savings; the estimate's figures are exact and final",
        },
        offline=lambda: SavingsDraft(savings=savings_suggestions(request, place, draft, exact)),
        check=check,
    )
