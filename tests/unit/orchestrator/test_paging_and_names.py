"""Page sizes, page tokens and trip names."""

import asyncio

import pytest

from services.orchestrator import paging
from services.orchestrator.idempotency import KeyedLocks
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


async def test_keyed_locks_serialise_one_key_and_forget_it_after() -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def hold(key: str, tag: str) -> None:
        async with locks.hold(key):
            order.append(f"{tag}+")
            await asyncio.sleep(0.01)
            order.append(f"{tag}-")

    await asyncio.gather(hold("a", "1"), hold("a", "2"), hold("b", "3"))
    assert order.index("1-") < order.index("2+")  # same key: one at a time
    assert order.index("3+") < order.index("1-")  # other keys: no wait
    assert locks._locks == {}
