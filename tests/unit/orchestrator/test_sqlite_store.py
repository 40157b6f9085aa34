"""The SQLite trip store: round trips, paging, idempotency keys, migrations, concurrency."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tripmesh.v1.trip_pb2 import PlanTripRequest, Trip

from services.orchestrator.names import new_trip_id, trip_name
from services.orchestrator.sqlite_schema import MIGRATIONS
from services.orchestrator.sqlite_store import SqliteTripStore
from services.orchestrator.store import StoreError
from services.runtime.errors import InvalidArgument

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
WINDOW_START = NOW - timedelta(hours=24)


def make_trip(request_id: str = "", created: datetime = NOW, offset_us: int = 0) -> Trip:
    trip = Trip(
        name=trip_name(new_trip_id()),
        request=PlanTripRequest(destination="Lisbon", request_id=request_id),
    )
    trip.create_time.FromMicroseconds(int(created.timestamp() * 1_000_000) + offset_us)
    return trip


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteTripStore]:
    opened = SqliteTripStore(tmp_path / "trips.sqlite3")
    await opened.open()
    yield opened
    await opened.close()


def trip_id(trip: Trip) -> str:
    return trip.name.removeprefix("trips/")


async def test_a_stored_trip_comes_back_whole(store: SqliteTripStore) -> None:
    trip = make_trip("r1")
    trip.warnings.append("over budget")
    assert await store.put(trip, dedupe_since=WINDOW_START) == trip
    assert await store.get(trip_id(trip)) == trip
    assert await store.get("0" * 32) is None


async def test_a_deleted_trip_is_gone(store: SqliteTripStore) -> None:
    kept, gone = make_trip("r-keep"), make_trip("r-gone", offset_us=1)
    for trip in (kept, gone):
        await store.put(trip, dedupe_since=WINDOW_START)
    assert await store.delete(trip_id(gone))
    assert not await store.delete(trip_id(gone))
    assert await store.get(trip_id(gone)) is None
    assert await store.get(trip_id(kept)) == kept


async def test_the_file_is_in_wal_mode_at_the_latest_schema(store: SqliteTripStore) -> None:
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS)


async def test_pages_are_newest_first_and_cover_every_trip_once(store: SqliteTripStore) -> None:
    trips = [make_trip(offset_us=i // 2) for i in range(25)]  # pairs share a create time
    for trip in trips:
        await store.put(trip, dedupe_since=WINDOW_START)
    seen: list[str] = []
    token = ""
    for expected in (10, 10, 5):
        page = await store.list(10, token)
        assert len(page.trips) == expected
        seen += [t.name for t in page.trips]
        token = page.next_page_token
    assert token == ""
    newest_first = sorted(
        trips, key=lambda t: (t.create_time.ToMicroseconds(), t.name), reverse=True
    )
    assert seen == [t.name for t in newest_first]


async def test_a_page_token_survives_new_trips(store: SqliteTripStore) -> None:
    for i in range(3):
        await store.put(make_trip(offset_us=i), dedupe_since=WINDOW_START)
    first = await store.list(2)
    await store.put(make_trip(offset_us=10), dedupe_since=WINDOW_START)  # newer than all
    rest = await store.list(2, first.next_page_token)
    assert len(rest.trips) == 1
    assert rest.next_page_token == ""


@pytest.mark.parametrize("token", ["not base64!", "Zm9v", "MTIzOkFCQw"])
async def test_a_bad_page_token_is_invalid_argument(store: SqliteTripStore, token: str) -> None:
    with pytest.raises(InvalidArgument) as failure:
        await store.list(10, token)
    assert failure.value.field == "page_token"


async def test_a_live_request_id_returns_the_trip_already_stored(store: SqliteTripStore) -> None:
    first, second = make_trip("same"), make_trip("same")
    await store.put(first, dedupe_since=WINDOW_START)
    assert await store.put(second, dedupe_since=WINDOW_START) == first
    assert await store.get(trip_id(second)) is None
    assert await store.find_by_request_id("same", since=WINDOW_START) == first


async def test_an_expired_request_id_plans_anew(store: SqliteTripStore) -> None:
    old = make_trip("again", created=NOW - timedelta(hours=25))
    await store.put(old, dedupe_since=WINDOW_START - timedelta(hours=2))
    assert await store.find_by_request_id("again", since=WINDOW_START) is None
    new = make_trip("again")
    assert await store.put(new, dedupe_since=WINDOW_START) == new
    assert await store.get(trip_id(old)) == old  # the old trip stays; only its key went
    assert await store.find_by_request_id("again", since=WINDOW_START) == new


async def test_fresh_request_ids_are_stored_and_found(store: SqliteTripStore) -> None:
    trips = [make_trip(f"made-up-{i}", offset_us=i) for i in range(20)]
    await asyncio.gather(
        *(store.put(t, dedupe_since=WINDOW_START, fresh=True) for t in trips),
        store.put(make_trip("given", offset_us=30), dedupe_since=WINDOW_START),
    )
    assert len((await store.list(100)).trips) == 21
    for trip in trips:
        assert await store.find_by_request_id(trip.request.request_id, since=WINDOW_START) == trip
    # Should one ever collide, the trip stored first is still the one returned.
    again = make_trip("made-up-0", offset_us=40)
    assert await store.put(again, dedupe_since=WINDOW_START, fresh=True) == trips[0]


async def test_concurrent_puts_all_land(store: SqliteTripStore) -> None:
    trips = [make_trip(f"r{i}", offset_us=i) for i in range(40)]
    await asyncio.gather(*(store.put(t, dedupe_since=WINDOW_START) for t in trips))
    page = await store.list(100)
    assert len(page.trips) == 40


async def test_two_stores_on_one_file_keep_one_trip_per_request_id(tmp_path: Path) -> None:
    # As two orchestrator processes would: separate connections, the same file.
    stores = [SqliteTripStore(tmp_path / "shared.sqlite3") for _ in range(2)]
    for opened in stores:
        await opened.open()
    try:
        trips = [make_trip("dup") for _ in range(10)]
        results = await asyncio.gather(
            *(stores[i % 2].put(t, dedupe_since=WINDOW_START) for i, t in enumerate(trips))
        )
        assert len({r.name for r in results}) == 1
        assert len((await stores[0].list(100)).trips) == 1
    finally:
        for opened in stores:
            await opened.close()


async def test_opening_migrates_an_older_schema_and_keeps_its_trips(tmp_path: Path) -> None:
    path = tmp_path / "trips.sqlite3"
    v1 = SqliteTripStore(path, migrations=MIGRATIONS[:1])
    await v1.open()
    trip = make_trip("kept")
    await v1.put(trip, dedupe_since=WINDOW_START)
    await v1.close()
    later = (*MIGRATIONS, ("ALTER TABLE trips ADD COLUMN note TEXT",))
    v2 = SqliteTripStore(path, migrations=later)
    await v2.open()
    await v2.close()
    await v2.open()  # opening again applies nothing twice
    try:
        assert await v2.get(trip_id(trip)) == trip
    finally:
        await v2.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == len(later)
        assert "note" in [row[1] for row in db.execute("PRAGMA table_info(trips)")]


async def test_a_schema_newer_than_the_code_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "trips.sqlite3"
    newer = SqliteTripStore(path, migrations=(*MIGRATIONS, ("SELECT 1",)))
    await newer.open()
    await newer.close()
    with pytest.raises(StoreError, match="newer than this tripmesh knows"):
        await SqliteTripStore(path).open()


async def test_an_unusable_path_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="cannot open the trip database"):
        await SqliteTripStore(tmp_path / "file" / "trips.sqlite3").open()
