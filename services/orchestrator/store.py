"""The trip store interface. SQLite by default (sqlite_store); PostgreSQL (postgres_store).

Stores keep each trip as its serialized proto plus the columns they query:
id, request id (the idempotency key, unique while it is live) and create time.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tripmesh.v1.trip_pb2 import Trip


@dataclass(frozen=True)
class TripPage:
    """One page of ListTrips, newest first; `next_page_token` is empty on the last page."""

    trips: list[Trip]
    next_page_token: str


class StoreError(OSError):
    """The store cannot be opened or used (bad file, schema newer than this code, ...).

    An OSError, so that `tripmesh serve` reports it in one line at start.
    """


class TripStore(Protocol):
    """Where planned trips are kept."""

    async def open(self) -> None:
        """Connects, creates or migrates the schema. Called once at start."""

    async def close(self) -> None:
        """Releases connections. Called once at stop."""

    async def ping(self) -> None:
        """Raises unless the store answers a trivial query: readiness probes it."""

    async def claim(self, request_id: str, owner: str, lease_seconds: float) -> bool:
        """Takes `request_id` for `owner` (about to plan it) for `lease_seconds`; False
        while another owner's claim on it is live. Stores that only one process uses may
        always answer True: the in-process lock of Idempotency then suffices."""

    async def release(self, request_id: str, owner: str) -> None:
        """Gives up `owner`'s claim on `request_id` (its trip is stored, or failed)."""

    async def put(self, trip: Trip, *, dedupe_since: datetime, fresh: bool = False) -> Trip:
        """Stores `trip` (with its name and create time set) and returns the trip now stored.

        When another trip with the same non-empty `request.request_id` was
        created at or after `dedupe_since`, nothing is written and that trip is
        returned: concurrent duplicates never make two trips. An older trip
        with that id gives up the key. `fresh`: the request id was just made up for
        a request that had none, so no stored trip holds it and none gives it up.
        """

    async def get(self, trip_id: str) -> Trip | None:
        """The trip with this id, or None."""

    async def delete(self, trip_id: str) -> bool:
        """Removes the trip with this id; False if there was none."""

    async def list(self, page_size: int, page_token: str = "") -> TripPage:
        """Trips newest first. `page_token` comes from a previous page (paging.decode_token)."""

    async def find_by_request_id(self, request_id: str, *, since: datetime) -> Trip | None:
        """The trip made for `request_id` at or after `since`, or None."""

    async def purge(self, created_before: datetime) -> int:
        """Deletes every trip created before `created_before`; returns how many."""
