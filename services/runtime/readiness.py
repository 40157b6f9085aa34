"""Readiness that follows a service's hard dependencies.

A service names what it cannot serve without (the orchestrator: its trip store).
Each is probed every `interval` seconds; after `failures` probes in a row fail, the
service reports NOT_SERVING (so Consul and Kubernetes stop sending it calls), and
SERVING again at the first probe that answers. Soft dependencies (the monitor, the
router, the registry, the model providers) never count: without them a service
degrades and says so, but keeps serving.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

logger = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[object]]
SetServing = Callable[[bool], Awaitable[None]]


class Readiness:
    """Probes `dependencies` (name → probe) and calls `set_serving` when readiness flips."""

    def __init__(
        self,
        dependencies: Mapping[str, Probe],
        set_serving: SetServing,
        *,
        interval: float,
        failures: int = 2,
        timeout: float = 2.0,
    ) -> None:
        self._dependencies = dict(dependencies)
        self._set_serving = set_serving
        self._interval = interval
        self._failures = failures
        self._timeout = timeout
        self._failed = dict.fromkeys(self._dependencies, 0)  # probes failed in a row
        self.ready = True

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.check()

    async def check(self) -> bool:
        """Probes every dependency once; returns whether the service is ready."""
        for name, probe in self._dependencies.items():
            self._failed[name] = 0 if await self._answers(name, probe) else self._failed[name] + 1
        down = [name for name, failed in self._failed.items() if failed >= self._failures]
        ready = not down
        if ready != self.ready:
            self.ready = ready
            if ready:
                logger.info("hard dependencies answer again: SERVING")
            else:
                logger.warning("NOT_SERVING: %s does not answer", ", ".join(down))
            await self._set_serving(ready)
        return ready

    async def _answers(self, name: str, probe: Probe) -> bool:
        try:
            await asyncio.wait_for(probe(), self._timeout)
        except Exception as exc:  # any failure of a probe is the dependency's, by design
            logger.debug("%s probe failed: %r", name, exc)
            return False
        return True
