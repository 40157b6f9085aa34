"""Chooses the trip store from the settings (TRIPMESH_TRIP_STORE)."""

from services.orchestrator.sqlite_store import SqliteTripStore
from services.orchestrator.store import StoreError, TripStore
from services.runtime.settings import Settings

SQLITE_FILE = "trips.sqlite3"


def create_store(settings: Settings) -> TripStore:
    """The configured store, not yet opened."""
    if settings.trip_store == "postgres":
        raise StoreError(
            "TRIPMESH_TRIP_STORE=postgres is not available yet; use sqlite (the default)"
        )
    return SqliteTripStore(settings.data_dir / SQLITE_FILE)
