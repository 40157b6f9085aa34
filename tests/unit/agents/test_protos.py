"""Mapping to and from the tripmesh.v1 messages."""

from decimal import Decimal

import pytest
from google.protobuf import duration_pb2

from services.agents import protos
from services.agents.itinerary import PlannedItinerary
from services.agents.pricing import price_itinerary
from services.guardrails import parse_trip_request
from services.guide.offline_advice import advise
from services.planner.offline_itinerary import draft_itinerary
from services.runtime.errors import InvalidArgument
from services.travel.money import to_decimal
from services.travel.places import resolve_place
from tests.unit.agents.support import trip


def _planned() -> PlannedItinerary:
    place = resolve_place("Lisbon").place
    return PlannedItinerary(place, draft_itinerary(trip(), place))


def test_itinerary_round_trip() -> None:
    planned = _planned()
    message = protos.itinerary_to_proto(planned)
    assert message.days[0].date == "2027-05-01"
    first = message.days[0].activities[0]
    assert first.duration.seconds % 60 == 0
    assert first.cost.currency_code == "EUR"
    assert protos.itinerary_from_proto(message, trip()) == planned


def test_budget_message_sums_exactly() -> None:
    planned = _planned()
    estimate = protos.budget_to_proto(price_itinerary(trip(), planned.place, planned.draft))
    items = sum(
        (to_decimal(i.amount.units, i.amount.nanos) for i in estimate.line_items), Decimal(0)
    )
    assert items == to_decimal(estimate.total.units, estimate.total.nanos)
    assert estimate.exchange_rate_date == "2026-10-30" or estimate.exchange_rate_date


def test_request_round_trip() -> None:
    message = protos.trip_request_to_proto(trip())
    parsed, _ = parse_trip_request(message, today=trip().start_date)
    assert parsed == trip()


def test_guide_message() -> None:
    planned = _planned()
    message = protos.guide_to_proto(advise(trip(), planned.place, planned))
    assert message.time_zone == "Europe/Lisbon"
    assert message.phrases
    assert message.tips


def test_malformed_itinerary_names_the_field() -> None:
    message = protos.itinerary_to_proto(_planned())
    message.days[1].date = "May 2nd"
    with pytest.raises(InvalidArgument) as caught:
        protos.itinerary_from_proto(message, trip())
    assert (caught.value.reason, caught.value.field) == (
        "INVALID_ITINERARY",
        "itinerary.days[1].date",
    )
    message = protos.itinerary_to_proto(_planned())
    message.days[0].activities[1].start_time = "25:00"
    with pytest.raises(InvalidArgument) as caught:
        protos.itinerary_from_proto(message, trip())
    assert caught.value.field == "itinerary.days[0].activities[1]"


def test_durations_round_up_to_whole_minutes() -> None:
    message = protos.itinerary_to_proto(_planned())
    message.days[0].activities[0].duration.CopyFrom(duration_pb2.Duration(seconds=61))
    back = protos.itinerary_from_proto(message, trip())
    assert back.draft.days[0].activities[0].duration_minutes == 2
