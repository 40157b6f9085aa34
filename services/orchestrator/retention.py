"""Trip retention: trips older than TRIPMESH_TRIP_RETENTION are deleted in the background,
whichever store holds them. Trips say where and when people travel; keeping them
forever serves nobody and grows the store without end."""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from services.orchestrator.store import TripStore

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class TripRetention:
    """Purges trips created more than `keep` ago; `keep` of zero keeps them forever."""

    def __init__(
        self, store: TripStore, keep: timedelta, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._keep = keep
        self._clock = clock

    async def purge_once(self) -> int:
        """One purge; returns the number of trips deleted."""
        if not self._keep:
            return 0
        cutoff = self._clock() - self._keep
        removed = await self._store.purge(cutoff)
        if removed:
            logger.info("purged %d trips created before %s", removed, cutoff.isoformat())
        return removed

    async def run(self, interval: float) -> None:
        """A purge now and then every `interval` seconds, until cancelled; a failed purge
        (the database away for a moment) is logged and tried again next time."""
        while True:
            try:
                await self.purge_once()
            except Exception:
                logger.warning("trip purge failed", exc_info=True)
            await asyncio.sleep(interval)
