"""Page sizes, page tokens and trip names."""

import pytest

from services.orchestrator import paging
from services.orchestrator.names import new_trip_id, parse_trip_name, trip_name
from services.runtime.errors import InvalidArgument


@pytest.mark.parametrize(("asked", "used"), [(0, 20), (1, 1), (100, 100), (500, 100)])
def test_page_size_defaults_and_caps(asked: int, used: int) -> None:
    assert paging.page_size(asked) == used


def test_a_negative_page_size_is_invalid() -> None:
    with pytest.raises(InvalidArgument) as failure:
        paging.page_size(-1)
    assert failure.value.field == "page_size"


def test_a_token_round_trips() -> None:
    key = paging.PageKey(1_800_000_000_000_000, new_trip_id())
    assert paging.decode_token(paging.encode_token(key)) == key
    assert paging.decode_token("") is None


def test_ids_sort_by_creation_and_names_parse() -> None:
    first, second = new_trip_id(), new_trip_id()
    assert len(first) == 32
    assert first[:12] <= second[:12]
    assert parse_trip_name(trip_name(first)) == first


@pytest.mark.parametrize("name", ["", "trips/", "trip/abc", "trips/ABC", "trips/a/b", "x/trips/a"])
def test_a_malformed_name_is_invalid(name: str) -> None:
    with pytest.raises(InvalidArgument) as failure:
        parse_trip_name(name)
    assert failure.value.field == "name"
