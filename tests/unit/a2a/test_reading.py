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
            {"destination": "Kyoto", "start_date": "2027-04-02", "days": 5, "units": 300000,
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


@pytest.mark.parametrize(
    ("text", "destination"),
    [
        ("Kyoto for 4 nights from 2027-03-10, food and temples", "Kyoto"),
        ("4 nights, Kyoto, 2 people, 1500 EUR", "Kyoto"),
        ("Lisbon: 3 days from 1 May, 2 people, €1500", "Lisbon"),
        ("Porto, Portugal, 3 days on 2027-06-12 for a couple", "Porto, Portugal"),
        ("New York City for a long weekend", "New York City"),
        ("Rio de Janeiro for 5 days, 2 adults", "Rio de Janeiro"),
        ("St. Petersburg 3 days", "St. Petersburg"),
        ("Kyoto JPY 300000 for 4 nights", "Kyoto"),
        ("Honeymoon: Bali, 10 days", "Bali"),
        ("From 1 May, 2 people.\nKyoto.", "Kyoto"),
        ("Kyoto for 4 nights in April, around New Year", "Kyoto"),  # no place after either
        ("Kyoto for 4 nights, then a day trip to Nara", "Nara"),  # a preposition's place first
    ],
)
def test_a_known_place_is_read_without_a_preposition(text: str, destination: str) -> None:
    assert read_trip_text(text, TODAY).request.destination == destination


@pytest.mark.parametrize(
    "text",
    [
        "Yes, 2 people, 1500 EUR",  # "yes" and "no" are towns' other names, "no" Norway's code
        "No, 3 days",
        "Best trip ever: 3 days, 2 people",  # Best, the Netherlands
        "Temple, food and wine, 4 nights",  # Temple, Texas
        "Independence Day weekend for 2",  # Independence, Missouri: a word continues it
        "Can you plan 4 nights for 2 people",  # Can, Turkey
        "From London: 3 nights, 2 people",  # where the trip starts
        "Hi, I'm Sofia. 3 days, solo, 500 USD",  # who is asking
        "4 nights, 300000 JPY",  # a currency, not a place
        "Kyoto temples for 3 days",  # not a place standing alone: asked back, not guessed
    ],
)
def test_other_capitalized_words_are_not_taken_for_places(text: str) -> None:
    reading = read_trip_text(text, TODAY)
    assert reading.request.destination == ""
    assert "destination" in reading.missing


def test_an_unknown_place_after_a_preposition_is_kept_for_the_planner_to_refuse() -> None:
    # the planner answers UNKNOWN_DESTINATION with the names closest to it ("Porto, Portugal")
    for text, destination in [
        ("Trip to Atlantis, 3 days", "Atlantis"),
        ("Trip to Prto, Portugal, 3 days", "Prto, Portugal"),  # not Portugal, standing alone
    ]:
        assert read_trip_text(text, TODAY).request.destination == destination
    # a known place elsewhere wins over it
    assert read_trip_text("Kyoto, 4 nights, in Golden Week", TODAY).request.destination == "Kyoto"


def test_what_is_not_said_is_named() -> None:
    assert read_trip_text("plan a trip to Kyoto in May", TODAY).missing == [
        "start_date",
        "days",
        "travelers",
        "budget",
    ]


def user(*parts: a2a_pb2.Part) -> a2a_pb2.Message:
    return a2a_pb2.Message(message_id="m", role=a2a_pb2.ROLE_USER, parts=parts)


@pytest.mark.parametrize(
    ("first", "asked", "answer", "expected"),
    [
        (
            "Plan 3 days in Lisbon for 2 people",
            ["start_date", "budget"],
            "from 1 May, 1500 EUR",
            {"destination": "Lisbon", "start_date": "2027-05-01", "days": 3, "units": 1500},
        ),
        (  # the destination leads, with no preposition: not asked back
            "Kyoto for 4 nights from 2027-03-10, food and temples",
            ["travelers", "budget"],
            "2 people, 300000 JPY",
            {"destination": "Kyoto", "start_date": "2027-03-10", "days": 5, "units": 300000},
        ),
    ],
)  # fmt: skip
async def test_an_answer_completes_the_first_message(
    first: str, asked: list[str], answer: str, expected: dict[str, object]
) -> None:
    said = user(new_text_part(first))
    with pytest.raises(MissingInput) as missing:
        await read_request([said], trip_pb2.PlanTripRequest, "", TODAY)
    assert missing.value.fields == asked
    both = [said, user(new_text_part(answer))]
    request = await read_request(both, trip_pb2.PlanTripRequest, "", TODAY)
    assert request.destination == expected["destination"]
    assert (request.start_date, request.days) == (expected["start_date"], expected["days"])
    assert request.budget.units == expected["units"]


def test_nights_are_no_interest_in_nightlife() -> None:
    text = "Kyoto for 4 nights from 2027-03-10, food and temples"
    assert list(read_trip_text(text, TODAY).request.interests) == ["food", "architecture"]
    assert "nightlife" in read_trip_text("Berlin nightlife, 2 nights", TODAY).request.interests


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
