"""The planner agent: drafts an itinerary for a trip and revises it towards a target cost."""

from collections.abc import Callable, Sequence
from decimal import Decimal

from services.agents.checks import check_itinerary, check_revision, nothing_left_to_cut
from services.agents.itinerary import PlannedItinerary
from services.agents.model_runner import AgentResult, ModelRunner
from services.agents.pricing import activity_currency, describe, price_itinerary
from services.agents.request import TripRequest
from services.agents.schemas import ItineraryDraft
from services.agents.variables import trip_variables
from services.guardrails.output import enforce, reject_input
from services.llm.chain import ModelTask
from services.planner.changes import revision_notes
from services.planner.day_plan import FREE_TIME
from services.planner.interests import interest_notes
from services.planner.offline_itinerary import (
    choose_style,
    draft_itinerary,
    plan_interests,
)
from services.planner.offline_revision import revise_itinerary
from services.planner.place_checks import check_place, place_facts
from services.planner.styles import style_note
from services.runtime.errors import InvalidArgument
from services.travel import fx
from services.travel.money import Money
from services.travel.places import Place, resolve_place

NOTHING_LEFT_TO_CUT = (
    "Nothing is left to cut: every activity is free, and lodging, food and transport are "
    "at budget prices."
)


class Planner:
    """Drafts and revises itineraries through the model chain (offline engine last)."""

    def __init__(self, chain: ModelRunner) -> None:
        self._chain = chain

    async def draft(self, request: TripRequest) -> AgentResult[PlannedItinerary]:
        """One dated day per requested day, timed activities fitting the pace, none repeated."""
        resolution = resolve_place(request.destination)
        place = resolution.place
        allowed = _currencies(request, place)

        def check(draft: ItineraryDraft) -> list[str]:
            problems = check_itinerary(draft, request, currencies=allowed)
            return problems or check_place(draft, request, place)

        variables = {
            **trip_variables(request, place),
            **place_facts(request, place),  # what check_place holds the draft to
            "travel_style": choose_style(request, place),
            "activity_currency": activity_currency(place, request),
        }
        task = ModelTask(
            name="draft_itinerary",
            schema=ItineraryDraft,
            variables=variables,
            offline=lambda: draft_itinerary(request, place),
            check=check,
        )
        result = await self._chain.run(task)
        enforce(check(result.value), "itinerary", provider=result.provider)
        warnings = [*resolution.warnings, *result.warnings]
        warnings.append(style_note(request, place, result.value))
        by_model = result.provider != "offline"
        warnings += interest_notes(request, place, result.value, by_model=by_model)
        if result.provider == "offline":
            warnings += plan_interests(request)[1] + _offline_notes(request, place, result.value)
        itinerary = PlannedItinerary(place=place, draft=result.value)
        return AgentResult(itinerary, warnings, result.usage, result.provider)

    async def revise(
        self,
        request: TripRequest,
        itinerary: PlannedItinerary,
        target_total: Money,
        cut_categories: Sequence[str] = (),
    ) -> AgentResult[PlannedItinerary]:
        """A cheaper itinerary with the same days; `target_total` is for the whole trip."""
        place, original = itinerary.place, itinerary.draft
        supported = fx.supported_currencies()
        reject_input(
            check_itinerary(original, request, currencies=supported, revision=True),
            "itinerary",
            "itinerary",
        )
        target = _target(target_total, request)
        before = price_itinerary(request, place, original).total
        allowed = _currencies(request, place)

        def check(draft: ItineraryDraft) -> list[str]:
            problems = check_itinerary(draft, request, currencies=allowed, revision=True)
            if problems:
                return problems  # pricing needs valid currencies
            after = price_itinerary(request, place, draft).total
            return check_revision(
                draft,
                original,
                request,
                revised_total=after,
                original_total=before,
                target_total=target,
                currencies=allowed,
            )

        trip = trip_variables(request, place)
        variables = {
            **trip,
            # A revision may cut a day down to one activity (check_itinerary's revision rule).
            "activities_per_day": {**trip["activities_per_day"], "min": 1},
            "itinerary": original.model_dump(mode="json"),
            "current_total": {"amount": str(before), "currency": request.budget.currency},
            "target_total": {"amount": str(target), "currency": request.budget.currency},
            "cut_categories": list(cut_categories),
            "activity_currency": activity_currency(place, request),
        }
        task = ModelTask(
            name="revise_itinerary",
            schema=ItineraryDraft,
            variables=variables,
            offline=lambda: revise_itinerary(request, place, original, target, cut_categories),
            check=check,
        )
        result = await self._chain.run(task)
        # The offline engine may find nothing left to cut (no paid activities, budget style):
        # then an unchanged cost is its honest answer, and the cost note says so.
        final = check if result.provider != "offline" else _same_days_check(request, original)
        enforce(final(result.value), "revised itinerary", provider=result.provider)
        after = price_itinerary(request, place, result.value).total
        warnings = [*result.warnings, *revision_notes(original, result.value)]
        if result.value == original:
            warnings.append(_unchanged_note(after, target, request.budget.currency))
        else:
            warnings.append(_cost_note(before, after, target, request.budget.currency))
            if after > target and nothing_left_to_cut(result.value):
                warnings.append(NOTHING_LEFT_TO_CUT)
        revised = PlannedItinerary(place=place, draft=result.value)
        return AgentResult(revised, warnings, result.usage, result.provider)


def _same_days_check(
    request: TripRequest, original: ItineraryDraft
) -> Callable[[ItineraryDraft], list[str]]:
    def check(draft: ItineraryDraft) -> list[str]:
        problems = check_itinerary(draft, request, revision=True)
        if [d.date for d in draft.days] != [d.date for d in original.days]:
            problems.append("a revision must keep every day and its date")
        return problems

    return check


def _currencies(request: TripRequest, place: Place) -> frozenset[str]:
    """Currencies a planned activity may be priced in: the itinerary's and the budget's."""
    return frozenset({activity_currency(place, request), request.budget.currency})


def _target(target_total: Money, request: TripRequest) -> Decimal:
    currency = request.budget.currency
    amount = target_total.amount
    if target_total.currency and target_total.currency != currency:
        if not fx.is_supported(target_total.currency):
            raise InvalidArgument(
                f"target_total must be in the budget's currency {currency}",
                reason="INVALID_TARGET_TOTAL",
                field="target_total.currency_code",
            )
        amount = fx.convert(amount, target_total.currency, currency).amount
    if amount <= 0:
        raise InvalidArgument(
            "target_total must be more than zero",
            reason="INVALID_TARGET_TOTAL",
            field="target_total",
        )
    return amount


GENERIC_NOTE = (
    "Without a model, activities are kinds of things to do in {city} rather than named "
    "sights: the offline engine ships no dataset of landmarks (half-day trips name real "
    "towns). Look up the best-known ones before you go."
)


def _offline_notes(request: TripRequest, place: Place, draft: ItineraryDraft) -> list[str]:
    notes = [GENERIC_NOTE.format(city=place.name)]
    if place.currency_code and activity_currency(place, request) != place.currency_code:
        notes.append(
            f"Activity prices are in {request.budget.currency}: there is no ECB exchange rate "
            f"for {place.currency_code}."
        )
    short = [
        d.date.isoformat() for d in draft.days if any(a.category == FREE_TIME for a in d.activities)
    ]
    if short:
        notes.append(
            f"Ran out of distinct activities for {len(short)} day(s) ({', '.join(short[:3])}"
            f"{'...' if len(short) > 3 else ''}); they have free time instead."
        )
    return notes


def _unchanged_note(total: Decimal, target: Decimal, currency: str) -> str:
    if total <= target:
        return (
            f"The revision changed nothing: the plan already costs {describe(total, currency)}, "
            f"within the target of {describe(target, currency)}."
        )
    return (
        f"The revision changed nothing: no paid activity is left to swap or drop and the "
        f"style is as cheap as it goes. The plan still costs {describe(total, currency)}, "
        f"above the target of {describe(target, currency)}."
    )


def _cost_note(before: Decimal, after: Decimal, target: Decimal, currency: str) -> str:
    text = (
        f"The revised plan costs {describe(after, currency)} "
        f"instead of {describe(before, currency)}"
    )
    if after > target:
        return f"{text}; it could not reach the target of {describe(target, currency)}."
    return f"{text}, within the target of {describe(target, currency)}."
