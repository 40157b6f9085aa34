"""The planner through the real provider chain against a fake OpenAI-compatible server:
a model's itinerary is taken when it passes the rules, and rejected (then the offline
engine answers) when it is schema-valid but breaks them.
"""

import json
import re
from decimal import Decimal
from typing import Any

from services.agents import pacing
from services.agents.itinerary import PlannedItinerary
from services.agents.schemas import ItineraryDraft
from services.budget.estimator import BudgetEstimator
from services.guide.advisor import Advisor
from services.llm import ModelChain
from services.planner.offline_itinerary import draft_itinerary
from services.planner.place_checks import place_facts
from services.planner.planner import Planner
from services.travel.money import Money
from services.travel.places import resolve_place
from tests.fakes import FakeOpenAI
from tests.fakes.chains import openai_chain
from tests.fakes.scripted import Call, Reply
from tests.unit.agents.support import trip

MODEL = "gpt-4.1-mini"


def _offline_answer() -> dict[str, Any]:
    request = trip()
    return draft_itinerary(request, resolve_place(request.destination).place).model_dump(
        mode="json"
    )


async def test_a_valid_model_itinerary_is_used(openai_fake: FakeOpenAI, chain: ModelChain) -> None:
    answer = _offline_answer()
    answer["days"][0]["activities"][0]["title"] = "Tram 28 through Alfama"
    openai_fake.push(FakeOpenAI.answer(answer))
    result = await Planner(chain).draft(trip())
    assert result.provider == f"openai:{MODEL}"
    assert result.usage.model_calls == 1
    assert result.value.draft.days[0].activities[0].title == "Tram 28 through Alfama"


async def test_an_interest_a_models_plan_leaves_out_is_warned_as_the_models_choice(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    answer = _offline_answer()
    for day in answer["days"]:
        for activity in day["activities"]:
            if activity["category"] == "food":
                activity["category"] = "culture"
    openai_fake.push(FakeOpenAI.answer(answer))
    result = await Planner(chain).draft(trip())
    assert result.provider == f"openai:{MODEL}"
    food = [w for w in result.warnings if w.startswith('Nothing in the plan serves "food"')]
    assert food == [
        'Nothing in the plan serves "food": the model\'s plan has none, though Lisbon offers it.'
    ]


async def test_a_rule_breaking_model_itinerary_falls_back_to_offline(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    answer = _offline_answer()
    answer["days"] = answer["days"][:2]  # schema-valid, but two days for a four-day trip
    openai_fake.push(FakeOpenAI.answer(answer), FakeOpenAI.answer(answer))
    result = await Planner(chain).draft(trip())
    assert openai_fake.count() == 2  # asked, then re-asked once with the violations
    assert result.provider == "offline"
    assert len(result.value.draft.days) == 4
    assert any("fell back to offline" in w for w in result.warnings)


def _keeps_to_the_place(call: Call) -> Reply:
    """A model that plans from the facts its prompt gives: a hike in the morning, a kayak
    only when there is water near, and the sunset at each day's stated sunset."""
    prompt = call.body["messages"][1]["content"]
    block = re.search(r"```json\n(.*?)\n```", prompt, re.DOTALL)
    assert block is not None, prompt
    facts = json.loads(block.group(1))
    water = facts["surroundings"]["water_near"]
    days = []
    for number, light in enumerate(facts["daylight"], start=1):
        start = pacing.minutes(light["sunset"]) - 15
        activities = [
            ("Hike in Monsanto forest park", "09:30"),
            ("Kayak on the Tagus" if water else "Tile museum", "14:30"),
            ("Sunset at Miradouro da Senhora do Monte", pacing.hhmm(start)),
        ]
        days.append(
            {
                "date": light["date"],
                "summary": "Model day",
                "activities": [
                    {
                        "title": f"{title}, day {number}",
                        "category": "history",
                        "start_time": at,
                        "duration_minutes": 60,
                        "cost": 10,
                        "currency": facts["activity_currency"],
                        "description": None,
                    }
                    for title, at in activities
                ],
            }
        )
    return FakeOpenAI.answer({"travel_style": "comfort", "days": days})


async def test_the_place_rules_are_stated_so_a_model_keeps_them_at_the_first_ask(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    request = trip()
    openai_fake.responder = _keeps_to_the_place

    result = await Planner(chain).draft(request)

    assert openai_fake.count() == 1  # no re-ask: the facts were in the prompt
    assert result.provider == f"openai:{MODEL}"
    titles = [a.title for d in result.value.draft.days for a in d.activities]
    assert "Sunset at Miradouro da Senhora do Monte, day 4" in titles
    assert "Kayak on the Tagus, day 1" in titles  # Lisbon is on the water
    system = openai_fake.calls[0].body["messages"][0]["content"]
    facts = place_facts(request, resolve_place("Lisbon").place)
    for name in (*facts["surroundings"], "daylight"):
        assert f'"{name}"' in system, name  # each fact the rules refer to, by its name


def _at_the_floor() -> ItineraryDraft:
    """The offline draft at budget style with every activity free: nothing left to cut."""
    request = trip()
    draft = draft_itinerary(request, resolve_place(request.destination).place)
    days = [
        day.model_copy(
            update={
                "activities": [a.model_copy(update={"cost": Decimal(0)}) for a in day.activities]
            }
        )
        for day in draft.days
    ]
    return draft.model_copy(update={"travel_style": "budget", "days": days})


async def test_a_revision_that_cannot_cut_is_accepted_and_the_trip_says_why(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    floor = _at_the_floor()
    request = trip(budget=Money(Decimal(100), "EUR"))  # far below lodging and food alone
    planned = PlannedItinerary(place=resolve_place("Lisbon").place, draft=floor)
    openai_fake.push(FakeOpenAI.answer(floor.model_dump(mode="json")))

    result = await Planner(chain).revise(request, planned, request.budget)

    assert openai_fake.count() == 1  # not re-asked
    assert result.provider == f"openai:{MODEL}"
    assert not any("did not answer" in w for w in result.warnings)
    assert any("no paid activity is left to swap or drop" in w for w in result.warnings)


TIPS = [
    {"category": c, "text": f"A model's {c} tip for Lisbon."}
    for c in ("etiquette", "safety", "season", "money")
]


async def test_the_guide_asks_a_model_for_tips_only(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    """In strict mode the schema holds tips alone: no season or phrases for a rule to reject."""
    openai_fake.push(FakeOpenAI.answer({"tips": TIPS}))

    result = await Advisor(chain).advise(trip())

    assert openai_fake.count() == 1
    assert [t.text for t in result.value.tips] == [t["text"] for t in TIPS]
    schema = openai_fake.calls[0].body["response_format"]["json_schema"]["schema"]
    assert list(schema["properties"]) == ["tips"]


async def test_a_guide_answer_with_two_phrases_keeps_its_tips(openai_fake: FakeOpenAI) -> None:
    """In JSON mode the answer follows the prompt only, and a model may still give a season
    and two phrases of its own: they are no reason to reject its tips, and the advice has the
    tools' season and phrases and the place's time zone."""
    openai_fake.reset()
    chain = openai_chain(openai_fake, MODEL, openai_response_format="json_object")
    two_phrases = [
        {"english": "Hello", "local": "Olá", "language": "pt-PT"},
        {"english": "Thank you", "local": "Obrigado", "language": "pt-PT"},
    ]
    answer = {"season": "the rainy bit", "time_zone": "Lisbon", "phrases": two_phrases}
    openai_fake.push(FakeOpenAI.answer({**answer, "tips": TIPS}))
    try:
        result = await Advisor(chain).advise(trip())
    finally:
        await chain.aclose()

    assert openai_fake.count() == 1
    assert openai_fake.calls[0].body["response_format"] == {"type": "json_object"}
    assert result.provider == f"openai:{MODEL}"
    assert [t.text for t in result.value.tips] == [t["text"] for t in TIPS]
    assert len(result.value.phrases) >= 3  # the tools' phrases, not the model's
    assert result.value.season != "the rainy bit"
    assert result.value.time_zone == "Europe/Lisbon"


async def test_savings_limits_are_in_the_schema_the_model_gets(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    request = trip(budget=Money(Decimal(100), "EUR"))  # over budget whatever the plan
    planned = PlannedItinerary(place=resolve_place("Lisbon").place, draft=_at_the_floor())
    openai_fake.push(FakeOpenAI.answer({"savings": ["Walk instead of taking taxis."]}))

    result = await BudgetEstimator(chain).estimate(request, planned)

    assert result.value.savings == ["Walk instead of taking taxis."]
    savings = openai_fake.calls[0].body["response_format"]["json_schema"]["schema"]
    field = savings["properties"]["savings"]
    assert field["maxItems"] == 8
    assert "at most 400 characters" in field["items"]["description"]
