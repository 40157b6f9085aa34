"""Chooses the trip store from the settings (TRIPMESH_TRIP_STORE, TRIPMESH_DATABASE_URL)."""

from services.orchestrator.postgres_store import URL_VARIABLE, PostgresTripStore
from services.orchestrator.sqlite_store import SqliteTripStore
from services.orchestrator.store import StoreError, TripStore
from services.runtime.settings import Settings

SQLITE_FILE = "trips.sqlite3"


def create_store(settings: Settings) -> TripStore:
    """The configured store, not yet opened."""
    if settings.trip_store == "postgres":
        # Checked here, not in the settings: every service reads TRIPMESH_TRIP_STORE,
        # only the orchestrator is given the URL.
        if not settings.database_url:
            raise StoreError(f"TRIPMESH_TRIP_STORE=postgres needs {URL_VARIABLE}, which is not set")
        return PostgresTripStore(settings.database_url)
    return SqliteTripStore(settings.data_dir / SQLITE_FILE)
