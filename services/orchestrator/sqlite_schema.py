"""The SQLite schema of the trip store, as numbered migrations applied on open.

`schema_version` holds how many migrations a database has had; opening a
database applies the missing ones in one transaction, so that two processes
starting together do not both migrate.
"""

import aiosqlite

from services.orchestrator.store import StoreError

Migration = tuple[str, ...]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: trips as proto bytes, with the columns ListTrips and idempotency query.
    (
        """CREATE TABLE trips (
            id TEXT PRIMARY KEY,
            request_id TEXT UNIQUE,
            create_time_us INTEGER NOT NULL,
            destination TEXT NOT NULL,
            body BLOB NOT NULL
        )""",
        "CREATE INDEX trips_newest_first ON trips (create_time_us DESC, id DESC)",
    ),
)


async def schema_version(db: aiosqlite.Connection) -> int:
    """The number of migrations applied (0 for a new database)."""
    await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    async with db.execute("SELECT version FROM schema_version") as cursor:
        row = await cursor.fetchone()
    if row is None:
        await db.execute("INSERT INTO schema_version (version) VALUES (0)")
        return 0
    return int(row[0])


async def migrate(db: aiosqlite.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Brings the schema up to date; returns the version. `db` must be in autocommit mode."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        current = await schema_version(db)
        if current > len(migrations):
            raise StoreError(
                f"the trip database has schema version {current}, newer than this"
                f" tripmesh knows ({len(migrations)}); upgrade tripmesh"
            )
        for migration in migrations[current:]:
            for statement in migration:
                await db.execute(statement)
        await db.execute("UPDATE schema_version SET version = ?", (len(migrations),))
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    return len(migrations)
