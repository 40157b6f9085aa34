"""The SQLite trip store (the default): one file under the data directory, WAL mode.

Writes go through one connection, one transaction at a time (an asyncio lock,
since a transaction may span several awaits; a trip's is one function on the
connection's thread, see `put`); reads use a second connection, which
WAL lets run beside a write. Other processes on the same file wait on SQLite's
busy timeout, and the unique request_id index keeps duplicates out either way.
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
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


def _put_now(
    db: sqlite3.Connection, row: tuple[str, str | None, int, str, bytes], since_us: int
) -> bytes | None:
    """Stores `row` (id, request id, create time, destination, body) in one transaction, on
    the connection's own thread: None once stored, else the body of the trip that holds its
    request id (created since `since_us`; an older one gives the id up)."""
    request_id = row[1]
    db.execute("BEGIN IMMEDIATE")
    try:
        if request_id is not None:
            # An expired key is released, so that its id may plan a new trip.
            db.execute(
                "UPDATE trips SET request_id = NULL WHERE request_id = ? AND create_time_us < ?",
                (request_id, since_us),
            )
        cursor = db.execute(
            "INSERT INTO trips (id, request_id, create_time_us, destination, body)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING",
            row,
        )
        stored: bytes | None = None
        if cursor.rowcount != 1:
            found = db.execute("SELECT body FROM trips WHERE request_id = ?", (request_id,))
            holder = found.fetchone()
            if holder is None:  # pragma: no cover - the conflict means the row exists
                raise StoreError(f"request id {request_id!r} conflicts but holds no trip")
            stored = bytes(holder[0])
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return stored


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
        request_id = trip.request.request_id or None
        row = (
            parse_trip_name(trip.name),
            request_id,
            trip.create_time.ToMicroseconds(),
            trip.request.destination,
            trip.SerializeToString(),
        )
        async with self._write_lock:
            db = self._write
            # Every trip in an explicit transaction, `fresh` or not: storing a fresh one with a
            # lone autocommitted INSERT cost less CPU but, measured with `make chaos`, let
            # overload pile up (goodput 84 % -> 43 % of the ceiling, thousands of calls past
            # their deadline instead of refused), for a reason not yet understood.
            # The transaction is one function on the connection's thread: one hand-off to
            # that thread and back instead of one per statement (four, five on a conflict), each
            # a wake-up of the thread and of the event loop on a trip's path.
            run: Callable[..., Awaitable[bytes | None]] = db._execute
            stored = await run(_put_now, db._conn, row, _micros(dedupe_since))
        return trip if stored is None else _trip(stored)

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
