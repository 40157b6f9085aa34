"""Chooses the trip store from the settings (TRIPMESH_TRIP_STORE, TRIPMESH_DATABASE_URL)."""

from services.orchestrator.settings import Settings
from services.orchestrator.sqlite_store import SqliteTripStore
from services.orchestrator.store import StoreError, TripStore

SQLITE_FILE = "trips.sqlite3"


def create_store(settings: Settings) -> TripStore:
    """The configured store, not yet opened."""
    if settings.trip_store == "postgres":
        # Imported here: asyncpg is a few MB that an orchestrator on SQLite never uses.
        from services.orchestrator.postgres_store import URL_VARIABLE, PostgresTripStore

        # Checked here, not by a validator, so the message names both variables.
        if not settings.database_url:
            raise StoreError(f"TRIPMESH_TRIP_STORE=postgres needs {URL_VARIABLE}, which is not set")
        return PostgresTripStore(settings.database_url)
    return SqliteTripStore(settings.data_dir / SQLITE_FILE)
