"""Trip retention in both stores: trips past TRIPMESH_TRIP_RETENTION go, the others stay;
the clock is injected, so that "30 days ago" needs no waiting."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from services.orchestrator.postgres_store import PostgresTripStore
from services.orchestrator.retention import TripRetention
from services.orchestrator.sqlite_store import PURGE_BATCH, SqliteTripStore
from services.orchestrator.store import TripStore
from tests.unit.orchestrator.test_postgres_store import url  # noqa: F401  (fixture)
from tests.unit.orchestrator.test_sqlite_store import NOW, make_trip, trip_id

KEEP = timedelta(days=30)


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[TripStore]:
    opened = SqliteTripStore(tmp_path / "trips.sqlite3")
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def postgres_store(url: str) -> AsyncIterator[TripStore]:  # noqa: F811
    opened = PostgresTripStore(url)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture(params=["sqlite_store", "postgres_store"])
def store(request: pytest.FixtureRequest) -> TripStore:
    found: TripStore = request.getfixturevalue(request.param)
    return found


async def test_a_trip_past_retention_is_purged_and_a_newer_one_kept(store: TripStore) -> None:
    old = await store.put(make_trip(created=NOW - KEEP - timedelta(seconds=1)), dedupe_since=NOW)
    kept = await store.put(make_trip(created=NOW - KEEP + timedelta(hours=1)), dedupe_since=NOW)
    retention = TripRetention(store, KEEP, clock=lambda: NOW)

    assert await retention.purge_once() == 1
    assert await store.get(trip_id(old)) is None
    assert await store.get(trip_id(kept)) == kept
    assert await retention.purge_once() == 0

    later = TripRetention(store, KEEP, clock=lambda: NOW + timedelta(hours=2))
    assert await later.purge_once() == 1
    assert (await store.list(10)).trips == []


async def test_a_retention_of_zero_keeps_trips_forever(store: TripStore) -> None:
    ancient = await store.put(
        make_trip(created=datetime(2001, 1, 1, tzinfo=NOW.tzinfo)), dedupe_since=NOW
    )
    assert await TripRetention(store, timedelta(0), clock=lambda: NOW).purge_once() == 0
    assert await store.get(trip_id(ancient)) == ancient


async def test_sqlite_purges_in_batches(tmp_path: Path) -> None:
    sqlite = SqliteTripStore(tmp_path / "trips.sqlite3")
    await sqlite.open()
    try:
        for offset in range(PURGE_BATCH + 3):
            await sqlite.put(make_trip(created=NOW - 2 * KEEP, offset_us=offset), dedupe_since=NOW)
        assert await sqlite.purge(NOW - KEEP) == PURGE_BATCH + 3
        assert (await sqlite.list(10)).trips == []
    finally:
        await sqlite.close()
