"""Sentences read by a model when one is configured (a fake OpenAI server, the real SDK),
and by the offline parser when the model fails."""

from datetime import date

from tripmesh.v1 import trip_pb2

from services.a2a.model_reading import model_reader
from services.llm import ModelChain
from tests.fakes import FakeOpenAI

MODEL = "gpt-4.1-mini"
TODAY = date(2026, 12, 1)


async def test_a_model_reads_what_the_parser_would_miss(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    openai_fake.push(
        FakeOpenAI.answer(
            {
                "destination": "Algarve, Portugal",
                "start_date": "2027-03-26",
                "days": 4,
                "travelers": 2,
                "budget_amount": 2000,
                "currency": "eur",
                "interests": ["Beach", "food"],
                "pace": "relaxed",
            }
        )
    )
    text = "A slow long weekend on the Algarve coast after Easter, me and my sister, two grand"
    reading = await model_reader(chain)(text, TODAY)
    assert reading.missing == []
    request = reading.request
    assert request.destination == "Algarve, Portugal"
    assert (request.start_date, request.days, request.travelers) == ("2027-03-26", 4, 2)
    assert (request.budget.currency_code, request.budget.units) == ("EUR", 2000)
    assert list(request.interests) == ["beach", "food"]
    assert request.pace == trip_pb2.PACE_RELAXED
    assert text in str(openai_fake.calls[-1].body)


async def test_a_failing_model_leaves_the_offline_parser_to_read(
    openai_fake: FakeOpenAI, chain: ModelChain
) -> None:
    openai_fake.default = FakeOpenAI.error(500)
    reading = await model_reader(chain)(
        "Plan 3 days in Lisbon from 1 May for 2 people, 1500 EUR", TODAY
    )
    assert reading.missing == []
    assert reading.request.destination == "Lisbon"
    assert reading.request.start_date == "2027-05-01"
