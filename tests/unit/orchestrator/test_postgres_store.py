"""The PostgreSQL trip store against this machine's PostgreSQL, one fresh schema per test.

The SQLite store's backend-neutral cases run here too: imported, they are
collected in this module and so use this module's `store` fixture. Without a
reachable PostgreSQL (TRIPMESH_TEST_POSTGRES_URL, default the local `test`
database) every test skips, saying why.
"""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from services.orchestrator.postgres_schema import MIGRATIONS
from services.orchestrator.postgres_store import PostgresTripStore
from services.orchestrator.store import StoreError
from services.orchestrator.store_factory import create_store
from tests.support.infra import missing
from tests.support.settings import Settings
from tests.unit.orchestrator.test_sqlite_store import (  # noqa: F401 - collected here
    WINDOW_START,
    make_trip,
    test_a_bad_page_token_is_invalid_argument,
    test_a_deleted_trip_is_gone,
    test_a_live_request_id_returns_the_trip_already_stored,
    test_a_page_token_survives_new_trips,
    test_a_stored_trip_comes_back_whole,
    test_an_expired_request_id_plans_anew,
    test_concurrent_puts_all_land,
    test_pages_are_newest_first_and_cover_every_trip_once,
    trip_id,
)

ADMIN_URL = os.environ.get(
    "TRIPMESH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        missing("PostgreSQL", f"not reachable at {ADMIN_URL}: {exc}")


@pytest.fixture
async def url() -> AsyncIterator[str]:
    """A URL whose search_path is a new, empty schema, dropped after the test."""
    schema = f"tripmesh_test_{secrets.token_hex(6)}"
    admin = await _admin()
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        # asyncpg passes unknown URL parameters on as server settings.
        yield f"{ADMIN_URL}{'&' if '?' in ADMIN_URL else '?'}search_path={schema}"
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()


@pytest.fixture
async def store(url: str) -> AsyncIterator[PostgresTripStore]:
    opened = PostgresTripStore(url)
    await opened.open()
    yield opened
    await opened.close()


async def _version(url: str) -> int:
    db = await asyncpg.connect(url)
    try:
        return int(await db.fetchval("SELECT version FROM schema_version"))
    finally:
        await db.close()


async def test_two_stores_keep_one_trip_per_request_id(url: str) -> None:
    # As two orchestrator replicas would: separate pools, the same database.
    stores = [PostgresTripStore(url) for _ in range(2)]
    await asyncio.gather(*(s.open() for s in stores))  # and both migrate at once
    try:
        trips = [make_trip("dup") for _ in range(20)]
        results = await asyncio.gather(
            *(stores[i % 2].put(t, dedupe_since=WINDOW_START) for i, t in enumerate(trips))
        )
        assert len({r.name for r in results}) == 1
        assert len((await stores[1].list(100)).trips) == 1
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    assert await _version(url) == len(MIGRATIONS)


async def test_opening_migrates_an_older_schema_and_keeps_its_trips(url: str) -> None:
    v1 = PostgresTripStore(url, migrations=MIGRATIONS[:1])
    await v1.open()
    trip = make_trip("kept")
    await v1.put(trip, dedupe_since=WINDOW_START)
    await v1.close()
    later = (*MIGRATIONS, ("ALTER TABLE trips ADD COLUMN note TEXT",))
    v2 = PostgresTripStore(url, migrations=later)
    await v2.open()
    await v2.close()
    await v2.open()  # opening again applies nothing twice (the ALTER would fail)
    try:
        assert await v2.get(trip_id(trip)) == trip
        assert await v2.find_by_request_id("kept", since=WINDOW_START) == trip
    finally:
        await v2.close()
    assert await _version(url) == len(later)


async def test_a_schema_newer_than_the_code_stops_the_start(url: str) -> None:
    newer = PostgresTripStore(url, migrations=(*MIGRATIONS, ("SELECT 1",)))
    await newer.open()
    await newer.close()
    with pytest.raises(StoreError, match="newer than this tripmesh knows"):
        await PostgresTripStore(url).open()


async def test_an_unreachable_database_names_the_variable_but_not_the_password() -> None:
    with pytest.raises(StoreError) as failure:  # nothing listens on port 1
        await PostgresTripStore("postgresql://tripmesh:s3cret@127.0.0.1:1/trips").open()
    message = str(failure.value)
    assert "TRIPMESH_DATABASE_URL=postgresql://tripmesh:***@127.0.0.1:1/trips" in message
    assert "s3cret" not in message


def test_postgres_without_a_url_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(trip_store="postgres", database_url="", data_dir=tmp_path)
    with pytest.raises(StoreError, match="needs TRIPMESH_DATABASE_URL, which is not set"):
        create_store(settings)
    settings = Settings(trip_store="postgres", database_url=ADMIN_URL, data_dir=tmp_path)
    assert isinstance(create_store(settings), PostgresTripStore)


async def test_a_closed_store_refuses_calls(url: str) -> None:
    closed = PostgresTripStore(url)
    with pytest.raises(StoreError, match="not open"):
        await closed.get("0" * 32)


async def test_a_claim_holds_a_request_id_until_released_or_expired(
    store: PostgresTripStore,
) -> None:
    assert await store.claim("req-1", "replica-a", lease_seconds=60)
    assert not await store.claim("req-1", "replica-b", lease_seconds=60)
    assert await store.claim("req-1", "replica-a", lease_seconds=60)  # its own, renewed
    assert await store.claim("req-2", "replica-b", lease_seconds=60)  # other ids are free
    await store.release("req-1", "replica-b")  # not b's: nothing happens
    assert not await store.claim("req-1", "replica-b", lease_seconds=60)
    await store.release("req-1", "replica-a")
    assert await store.claim("req-1", "replica-b", lease_seconds=0)  # expires at once
    assert await store.claim("req-1", "replica-c", lease_seconds=60)  # its owner died
