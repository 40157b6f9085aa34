"""The PostgreSQL schema of the trip store, as numbered migrations applied on open.

The same shape as the SQLite schema: `schema_version` holds how many migrations
a database has had, and opening applies the missing ones in one transaction.
Several orchestrator replicas start at once in production, so that transaction
first takes an advisory lock: one replica migrates, the others wait and then
find nothing left to do.
"""

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

from services.orchestrator.store import StoreError

Migration = tuple[str, ...]

# Any fixed 64-bit number; only tripmesh's schema migrations take this lock.
MIGRATION_LOCK = 0x7472_6970_6D65_7368  # "tripmesh"

MIGRATIONS: tuple[Migration, ...] = (
    # 1: trips as proto bytes, with the columns ListTrips and idempotency query.
    # COLLATE "C": ids sort by byte, as page tokens and SQLite do, whatever the locale.
    (
        """CREATE TABLE trips (
            id TEXT COLLATE "C" PRIMARY KEY,
            request_id TEXT UNIQUE,
            create_time_us BIGINT NOT NULL,
            destination TEXT NOT NULL,
            body BYTEA NOT NULL
        )""",
        "CREATE INDEX trips_newest_first ON trips (create_time_us DESC, id DESC)",
    ),
    # 2: which replica is planning a request id, until when (Idempotency.claim).
    (
        """CREATE TABLE trip_claims (
            request_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            until_us BIGINT NOT NULL
        )""",
    ),
)


async def schema_version(db: asyncpg.Connection) -> int:
    """The number of migrations applied (0 for a new database); call it under the lock."""
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    version = await db.fetchval("SELECT version FROM schema_version")
    if version is None:
        await db.execute("INSERT INTO schema_version (version) VALUES (0)")
        return 0
    return int(version)


async def migrate(db: asyncpg.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Brings the schema up to date on the asyncpg connection `db`; returns the version."""
    async with db.transaction():
        # Released at commit or rollback, so a replica that dies cannot keep it.
        await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        current = await schema_version(db)
        if current > len(migrations):
            raise StoreError(
                f"the trip database has schema version {current}, newer than this"
                f" tripmesh knows ({len(migrations)}); upgrade tripmesh"
            )
        for migration in migrations[current:]:
            for statement in migration:
                await db.execute(statement)
        await db.execute("UPDATE schema_version SET version = $1", len(migrations))
    return len(migrations)
