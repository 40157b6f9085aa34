"""The PostgreSQL trip store (production): an asyncpg pool, the SQLite store's behaviour.

Every orchestrator replica writes to the same database, so the unique
request_id index, not a lock in this process, is what keeps one trip per
request id: a duplicate insert does nothing (ON CONFLICT DO NOTHING, which
waits for a concurrent insert of the same key to commit or roll back) and the
trip that won is read back, as in the SQLite store. So that the losers of that
race do not plan the trip for nothing, a replica first claims the request id in
`trip_claims` (a lease on the database's clock) and the others wait for its trip.
"""

from datetime import datetime
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from tripmesh.v1.trip_pb2 import Trip

from services.orchestrator import paging
from services.orchestrator.names import parse_trip_name
from services.orchestrator.postgres_schema import MIGRATIONS, Migration, migrate
from services.orchestrator.store import StoreError, TripPage

URL_VARIABLE = "TRIPMESH_DATABASE_URL"
POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 10
CONNECT_TIMEOUT = 10.0  # asyncpg's default (60 s) would hold a bad start for a minute

# What asyncpg raises when it cannot connect or the URL is wrong (its configuration
# errors are ValueErrors); StoreError is an OSError too and is raised as it is.
_CONNECT_ERRORS = (OSError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError)


_NOW_US = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT"


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _trip(body: bytes) -> Trip:
    trip = Trip()
    trip.ParseFromString(body)
    return trip


def redacted(text: str, url: str) -> str:
    """`text` with the password of `url` replaced by ***; an unparsable URL is left out."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return text.replace(url, "(an unparsable URL)")
    return text.replace(password, "***") if password else text


class PostgresTripStore:
    """TripStore on a PostgreSQL database, shared by every orchestrator replica."""

    def __init__(self, url: str, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        self.url = url
        self._migrations = migrations
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url,
                min_size=POOL_MIN_SIZE,
                max_size=POOL_MAX_SIZE,
                timeout=CONNECT_TIMEOUT,
            )
            async with self._pool.acquire() as db:
                await migrate(db, self._migrations)
        except StoreError:
            await self.close()
            raise
        except _CONNECT_ERRORS as exc:
            await self.close()
            raise StoreError(self._open_failure(exc)) from None  # the URL may hold a password
        except BaseException:
            await self.close()
            raise

    def _open_failure(self, exc: BaseException) -> str:
        reason = str(exc) or type(exc).__name__
        message = f"cannot open the trip database {URL_VARIABLE}={self.url}: {reason}"
        return redacted(message, self.url)

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def _db(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the trip store is not open")
        return self._pool

    async def claim(self, request_id: str, owner: str, lease_seconds: float) -> bool:
        # The database's clock, so that replicas whose clocks differ agree on expiry.
        claimed = await self._db.fetchval(
            f"INSERT INTO trip_claims (request_id, owner, until_us) VALUES ($1, $2, {_NOW_US} + $3)"
            " ON CONFLICT (request_id) DO UPDATE"
            " SET owner = EXCLUDED.owner, until_us = EXCLUDED.until_us"
            f" WHERE trip_claims.until_us < {_NOW_US} OR trip_claims.owner = $2"
            " RETURNING owner",
            request_id,
            owner,
            int(lease_seconds * 1_000_000),
        )
        return claimed is not None

    async def release(self, request_id: str, owner: str) -> None:
        await self._db.execute(
            "DELETE FROM trip_claims WHERE request_id = $1 AND owner = $2", request_id, owner
        )

    async def ping(self) -> None:
        await self._db.fetchval("SELECT 1")

    async def put(self, trip: Trip, *, dedupe_since: datetime, fresh: bool = False) -> Trip:
        trip_id = parse_trip_name(trip.name)
        request_id = trip.request.request_id or None
        created = trip.create_time.ToMicroseconds()
        async with self._db.acquire() as db, db.transaction():
            if request_id is not None and not fresh:
                # An expired key is released, so that its id may plan a new trip.
                await db.execute(
                    "UPDATE trips SET request_id = NULL"
                    " WHERE request_id = $1 AND create_time_us < $2",
                    request_id,
                    _micros(dedupe_since),
                )
            inserted = await db.fetchval(
                "INSERT INTO trips (id, request_id, create_time_us, destination, body)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO NOTHING RETURNING id",
                trip_id,
                request_id,
                created,
                trip.request.destination,
                trip.SerializeToString(),
            )
            if inserted is not None:
                return trip
            # READ COMMITTED: this statement sees the duplicate that won, now committed.
            body = await db.fetchval("SELECT body FROM trips WHERE request_id = $1", request_id)
        if body is None:  # pragma: no cover - the conflict means the row exists
            raise StoreError(f"request id {request_id!r} conflicts but holds no trip")
        return _trip(bytes(body))

    async def get(self, trip_id: str) -> Trip | None:
        body = await self._db.fetchval("SELECT body FROM trips WHERE id = $1", trip_id)
        return None if body is None else _trip(bytes(body))

    async def delete(self, trip_id: str) -> bool:
        done: str = await self._db.execute("DELETE FROM trips WHERE id = $1", trip_id)
        return done != "DELETE 0"  # asyncpg returns the command tag

    async def list(self, page_size: int, page_token: str = "") -> TripPage:
        after = paging.decode_token(page_token)
        query = "SELECT create_time_us, id, body FROM trips"
        params: tuple[object, ...] = ()
        if after is not None:
            query += " WHERE (create_time_us, id) < ($1, $2)"
            params = (after.create_time_us, after.trip_id)
        query += f" ORDER BY create_time_us DESC, id DESC LIMIT ${len(params) + 1}"
        found = await self._db.fetch(query, *params, page_size + 1)
        page = found[:page_size]
        token = ""
        if len(found) > page_size:
            last = page[-1]
            token = paging.encode_token(paging.PageKey(int(last[0]), str(last[1])))
        return TripPage([_trip(bytes(row[2])) for row in page], token)

    async def find_by_request_id(self, request_id: str, *, since: datetime) -> Trip | None:
        body = await self._db.fetchval(
            "SELECT body FROM trips WHERE request_id = $1 AND create_time_us >= $2",
            request_id,
            _micros(since),
        )
        return None if body is None else _trip(bytes(body))

    async def purge(self, created_before: datetime) -> int:
        status: str = await self._db.execute(
            "DELETE FROM trips WHERE create_time_us < $1", _micros(created_before)
        )
        return int(status.split()[-1])  # "DELETE 12"
