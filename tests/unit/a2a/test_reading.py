"""Trip requests read from what other agents write: sentences and data parts."""

import time
from datetime import date

import pytest
from a2a.helpers.proto_helpers import new_data_part, new_text_part
from a2a.types import a2a_pb2
from tripmesh.v1 import budget_service_pb2, trip_pb2

from services.a2a.reading import MissingInput, read_request
from services.a2a.text_request import read_trip_text
from services.runtime.errors import InvalidArgument

TODAY = date(2026, 12, 1)


def test_the_issue_sentence_is_read_whole() -> None:
    reading = read_trip_text(
        "Plan 3 days in Lisbon from 1 May for 2 people, 1500 EUR, we love food", TODAY
    )
    assert reading.missing == []
    request = reading.request
    assert request.destination == "Lisbon"
    assert request.start_date == "2027-05-01"  # the next 1 May
    assert request.days == 3
    assert request.travelers == 2
    assert (request.budget.currency_code, request.budget.units) == ("EUR", 1500)
    assert list(request.interests) == ["food"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trip to New York City from May 3rd to May 7th 2027, 2 adults, USD 4k, packed",
            {"destination": "New York City", "start_date": "2027-05-03", "days": 5, "units": 4000,
             "currency": "USD", "pace": trip_pb2.PACE_PACKED},
        ),
        (
            "A relaxed weekend in Porto, Portugal on 2027-06-12 for a couple, €800, museums",
            {"destination": "Porto, Portugal", "start_date": "2027-06-12", "days": 2, "units": 800,
             "currency": "EUR", "pace": trip_pb2.PACE_RELAXED},
        ),
        (
            "Kyoto for 4 nights from 2 April 2027, solo, 300000 JPY",
            {"destination": "", "start_date": "2027-04-02", "days": 5, "units": 300000,
             "currency": "JPY", "pace": trip_pb2.PACE_UNSPECIFIED},
        ),
    ],
)  # fmt: skip
def test_other_ways_of_saying_it(text: str, expected: dict[str, object]) -> None:
    request = read_trip_text(text, TODAY).request
    assert request.destination == expected["destination"]
    assert request.start_date == expected["start_date"]
    assert request.days == expected["days"]
    assert request.budget.units == expected["units"]
    assert request.budget.currency_code == expected["currency"]
    assert request.pace == expected["pace"]


def test_what_is_not_said_is_named() -> None:
    assert read_trip_text("plan a trip to Kyoto in May", TODAY).missing == [
        "start_date",
        "days",
        "travelers",
        "budget",
    ]


def user(*parts: a2a_pb2.Part) -> a2a_pb2.Message:
    return a2a_pb2.Message(message_id="m", role=a2a_pb2.ROLE_USER, parts=parts)


async def test_an_answer_completes_the_first_message() -> None:
    first = user(new_text_part("Plan 3 days in Lisbon for 2 people"))
    with pytest.raises(MissingInput) as missing:
        await read_request([first], trip_pb2.PlanTripRequest, "", TODAY)
    assert missing.value.fields == ["start_date", "budget"]
    answer = user(new_text_part("from 1 May, 1500 EUR"))
    request = await read_request([first, answer], trip_pb2.PlanTripRequest, "", TODAY)
    assert (request.start_date, request.budget.units) == ("2027-05-01", 1500)


async def test_a_data_part_is_the_request_json_and_wraps_for_agents_that_take_a_trip() -> None:
    trip = {"destination": "Lisbon", "startDate": "2027-05-01", "days": 3, "travelers": 2}
    request = await read_request(
        [user(new_data_part(trip))], budget_service_pb2.EstimateBudgetRequest, "trip", TODAY
    )
    assert request.trip.destination == "Lisbon"
    assert request.trip.days == 3
    with pytest.raises(InvalidArgument, match="days"):
        await read_request(
            [user(new_data_part({**trip, "days": "many"}))], trip_pb2.PlanTripRequest, "", TODAY
        )


async def test_a_data_part_is_held_to_the_bounds_of_the_skills_own_door() -> None:
    data = {"trip": {"destination": "Lisbon"}, "itinerary": {"destination": {"latitude": -1e308}}}
    with pytest.raises(InvalidArgument) as refused:
        await read_request(
            [user(new_data_part(data))], budget_service_pb2.EstimateBudgetRequest, "trip", TODAY
        )
    assert refused.value.field == "itinerary.destination.latitude"


def test_long_numbers_are_read_in_linear_time_and_are_no_budget() -> None:
    start = time.perf_counter()
    reading = read_trip_text("1" * 20_000 + " and " + "1," * 10_000, TODAY)
    assert time.perf_counter() - start < 2  # minutes when every digit could begin an amount
    assert "budget" in reading.missing
    for text in ("9" * 400 + " EUR", "EUR " + "9" * 400, "1," * 200 + "€"):
        assert "budget" in read_trip_text(text, TODAY).missing  # OverflowError, once
    assert read_trip_text("budget:,1,500 EUR", TODAY).request.budget.units == 1500
