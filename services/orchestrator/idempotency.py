"""Idempotent PlanTrip: a request_id seen within the window returns its stored trip.

In one process, duplicates that arrive together wait for the first to finish
(a lock per request id) and then find its trip, so no work is done twice.
Across processes, the replica that claims the request id in the store plans it
while the others poll for its trip; a claim whose owner died expires with its
lease (the longest a trip may take). The store's unique request_id index keeps a
single trip whatever happens.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from tripmesh.v1.trip_pb2 import Trip

from services.orchestrator.store import TripStore

CLAIM_POLL_SECONDS = 0.05


def utc_now() -> datetime:
    return datetime.now(UTC)


class KeyedLocks:
    """An asyncio lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Idempotency:
    """Looks up and records trips by request id, within a time window."""

    def __init__(
        self,
        store: TripStore,
        window_seconds: float,
        lease_seconds: float,
        now: Callable[[], datetime] = utc_now,
        poll_seconds: float = CLAIM_POLL_SECONDS,
    ) -> None:
        self._store = store
        self._window = timedelta(seconds=window_seconds)
        self._lease = lease_seconds
        self._now = now
        self._poll = poll_seconds
        self._locks = KeyedLocks()
        self._owner = uuid.uuid4().hex  # this process, in the store's claims

    def _since(self) -> datetime:
        return self._now() - self._window

    @asynccontextmanager
    async def claim(self, request_id: str, fresh: bool = False) -> AsyncIterator[Trip | None]:
        """Holds the request id for the block; yields its stored trip, if there is one.

        `fresh`: the id was just made up for a request that had none, so no trip can
        have it, and the store is not asked.
        """
        async with self._locks.hold(request_id):
            if fresh:
                yield None
                return
            stored = await self._stored_or_claimed(request_id)
            if stored is not None:
                yield stored
                return
            try:
                yield None
            finally:
                await asyncio.shield(self._store.release(request_id, self._owner))

    async def _stored_or_claimed(self, request_id: str) -> Trip | None:
        """The stored trip of `request_id`, or None once this process holds its claim."""
        while True:
            stored = await self._store.find_by_request_id(request_id, since=self._since())
            if stored is not None:
                return stored
            if await self._store.claim(request_id, self._owner, self._lease):
                return None
            await asyncio.sleep(self._poll)  # another replica is planning it

    async def record(self, trip: Trip, fresh: bool = False) -> Trip:
        """Stores the trip; returns the one stored for its request id (another, if it won).
        `fresh` as for `claim`."""
        return await self._store.put(trip, dedupe_since=self._since(), fresh=fresh)
