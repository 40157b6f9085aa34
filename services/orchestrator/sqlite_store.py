"""The SQLite trip store (the default): one file under the data directory, WAL mode.

Writes go through one connection, one transaction at a time (an asyncio lock,
since a transaction spans several awaits); reads use a second connection, which
WAL lets run beside a write. Other processes on the same file wait on SQLite's
busy timeout, and the unique request_id index keeps duplicates out either way.
"""

import asyncio
from datetime import datetime
from pathlib import Path

import aiosqlite
from tripmesh.v1.trip_pb2 import Trip

from services.orchestrator import paging
from services.orchestrator.names import parse_trip_name
from services.orchestrator.sqlite_schema import MIGRATIONS, Migration, migrate
from services.orchestrator.store import StoreError, TripPage
from services.runtime.private_files import make_private_file

BUSY_TIMEOUT_MS = 5000
PURGE_BATCH = 500  # trips deleted per write transaction


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _make_private_if_there(path: Path) -> None:
    if path.exists():
        make_private_file(path)


def _trip(body: bytes) -> Trip:
    trip = Trip()
    trip.ParseFromString(body)
    return trip


class SqliteTripStore:
    """TripStore on an SQLite file."""

    def __init__(self, path: Path, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
        self.path = path
        self._migrations = migrations
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        try:
            make_private_file(self.path)  # SQLite gives the WAL the database's mode
            self._writer = await self._connect()
            await self._writer.execute("PRAGMA journal_mode=WAL")
            for companion in ("-wal", "-shm"):  # made 0644 by an older version
                _make_private_if_there(self.path.with_name(self.path.name + companion))
            await migrate(self._writer, self._migrations)
            self._reader = await self._connect()
        except (OSError, aiosqlite.Error) as exc:
            await self.close()
            raise StoreError(f"cannot open the trip database {self.path}: {exc}") from exc
        except BaseException:
            await self.close()
            raise

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: autocommit; transactions are explicit (BEGIN IMMEDIATE).
        db = await aiosqlite.connect(self.path, isolation_level=None)
        await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await db.execute("PRAGMA synchronous=NORMAL")
        return db

    async def close(self) -> None:
        for db in (self._reader, self._writer):
            if db is not None:
                await db.close()
        self._reader = self._writer = None

    @property
    def _write(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise StoreError("the trip store is not open")
        return self._writer

    @property
    def _read(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise StoreError("the trip store is not open")
        return self._reader

    async def claim(self, request_id: str, owner: str, lease_seconds: float) -> bool:
        return True  # one orchestrator process per SQLite file: its own lock is enough

    async def release(self, request_id: str, owner: str) -> None:
        return None

    async def ping(self) -> None:
        await self._read.execute("SELECT 1")

    async def put(self, trip: Trip, *, dedupe_since: datetime, fresh: bool = False) -> Trip:
        trip_id = parse_trip_name(trip.name)
        request_id = trip.request.request_id or None
        created = trip.create_time.ToMicroseconds()
        async with self._write_lock:
            db = self._write
            # Every trip in an explicit transaction, `fresh` or not: storing a fresh one with a
            # lone autocommitted INSERT cost less CPU but, measured with `make chaos`, let
            # overload pile up (goodput 84 % -> 43 % of the ceiling, thousands of calls past
            # their deadline instead of refused), for a reason not yet understood. So did running
            # the whole transaction as one function on the connection's thread (goodput 98 % ->
            # 73 %, none refused; `bench/chaos.py --only overload --client-cpu 1`): keep the
            # awaits between statements.
            await db.execute("BEGIN IMMEDIATE")
            try:
                if request_id is not None:
                    # An expired key is released, so that its id may plan a new trip.
                    await db.execute(
                        "UPDATE trips SET request_id = NULL"
                        " WHERE request_id = ? AND create_time_us < ?",
                        (request_id, _micros(dedupe_since)),
                    )
                stored = await self._insert_new(db, trip, trip_id, request_id, created)
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return stored

    async def _insert_new(
        self,
        db: aiosqlite.Connection,
        trip: Trip,
        trip_id: str,
        request_id: str | None,
        created: int,
    ) -> Trip:
        """Inserts the trip unless its request id is taken; returns the trip stored for it."""
        cursor = await db.execute(
            "INSERT INTO trips (id, request_id, create_time_us, destination, body)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING",
            (trip_id, request_id, created, trip.request.destination, trip.SerializeToString()),
        )
        if cursor.rowcount == 1:
            return trip
        async with db.execute("SELECT body FROM trips WHERE request_id = ?", (request_id,)) as rows:
            row = await rows.fetchone()
        if row is None:  # pragma: no cover - the conflict means the row exists
            raise StoreError(f"request id {request_id!r} conflicts but holds no trip")
        return _trip(row[0])

    async def get(self, trip_id: str) -> Trip | None:
        async with self._read.execute("SELECT body FROM trips WHERE id = ?", (trip_id,)) as rows:
            row = await rows.fetchone()
        return None if row is None else _trip(row[0])

    async def delete(self, trip_id: str) -> bool:
        async with self._write_lock:
            cursor = await self._write.execute("DELETE FROM trips WHERE id = ?", (trip_id,))
            return cursor.rowcount > 0

    async def list(self, page_size: int, page_token: str = "") -> TripPage:
        after = paging.decode_token(page_token)
        query = "SELECT create_time_us, id, body FROM trips"
        params: tuple[object, ...] = ()
        if after is not None:
            query += " WHERE (create_time_us, id) < (?, ?)"
            params = (after.create_time_us, after.trip_id)
        query += " ORDER BY create_time_us DESC, id DESC LIMIT ?"
        async with self._read.execute(query, (*params, page_size + 1)) as rows:
            found = list(await rows.fetchall())
        page = found[:page_size]
        token = ""
        if len(found) > page_size:
            token = paging.encode_token(paging.PageKey(int(page[-1][0]), str(page[-1][1])))
        return TripPage([_trip(row[2]) for row in page], token)

    async def find_by_request_id(self, request_id: str, *, since: datetime) -> Trip | None:
        async with self._read.execute(
            "SELECT body FROM trips WHERE request_id = ? AND create_time_us >= ?",
            (request_id, _micros(since)),
        ) as rows:
            row = await rows.fetchone()
        return None if row is None else _trip(row[0])

    async def purge(self, created_before: datetime) -> int:
        """Deletes in batches, so that a large purge never holds the write lock for long;
        then truncates the WAL, which a large delete grows."""
        removed = 0
        while True:
            async with self._write_lock:
                cursor = await self._write.execute(
                    "DELETE FROM trips WHERE id IN (SELECT id FROM trips"
                    " WHERE create_time_us < ? LIMIT ?)",
                    (_micros(created_before), PURGE_BATCH),
                )
                removed += cursor.rowcount
            if cursor.rowcount < PURGE_BATCH:
                break
        if removed:
            async with self._write_lock:
                await self._write.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed
