"""One background blocking-query watch of a service's passing instances."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from registry.base import Endpoint, EndpointsListener
from registry.consul_api import ConsulApi, background_retry
from registry.errors import ConsulUnavailable

logger = logging.getLogger(__name__)


class ServiceWatch:
    """Keeps the passing endpoints of one service name, and tells listeners of changes.

    On errors the last known endpoints stay: a Consul outage must not empty the
    cache that requests are routed from.
    """

    def __init__(self, api: ConsulApi, name: str) -> None:
        self.name = name
        self._api = api
        self._endpoints: list[Endpoint] = []
        self._answered = asyncio.Event()
        self._listeners: list[EndpointsListener] = []
        self._hold_until = 0.0  # keep non-empty endpoints until then (Consul recovering)
        self._retry = background_retry(api.config)
        self._task = asyncio.create_task(self._run(), name=f"consul-watch-{name}")

    @property
    def endpoints(self) -> list[Endpoint]:
        return list(self._endpoints)

    async def first_answer(self, within: float) -> None:
        """Waits up to `within` seconds for Consul's first answer (no wait once known)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._answered.wait()

    def subscribe(self, listener: EndpointsListener) -> Callable[[], None]:
        """Adds a listener, told at once if an answer is known; returns an unsubscribe."""
        self._listeners.append(listener)
        if self._answered.is_set():
            _tell(listener, self.endpoints)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        index, recovering = 0, False

        async def read() -> tuple[int, list[Endpoint]]:
            return await self._api.passing(self.name, index, self._api.config.wait)

        def failed(exc: Exception, attempt: int, delay: float) -> None:
            nonlocal index, recovering
            if isinstance(exc, ConsulUnavailable):  # ConsulApi logged the outage
                # Re-read without blocking once it answers: the agent may be a new one.
                index, recovering = 0, True
            else:
                logger.error("cannot watch %s in Consul: %s", self.name, exc)

        retry = self._retry.with_on_retry(failed)
        while True:
            new_index, endpoints = await retry.call(read)
            # An index that goes backwards means the agent lost its state: read afresh at once.
            lost_state = new_index < index
            index = 0 if lost_state else max(new_index, 1)
            if recovering or lost_state:
                self._hold_until = time.monotonic() + self._api.config.recovery_grace
                recovering = False
            self._publish(endpoints)

    def _publish(self, endpoints: list[Endpoint]) -> None:
        if self._answered.is_set() and endpoints == self._endpoints:
            return  # the index moved for something else (a check's output, another service)
        if not endpoints and self._endpoints and time.monotonic() < self._hold_until:
            return  # a Consul that just came back may not have re-registered anyone yet
        self._endpoints = endpoints
        self._answered.set()
        logger.info(
            "%s: %d passing instance(s): %s",
            self.name,
            len(endpoints),
            ", ".join(e.address for e in endpoints) or "none",
        )
        for listener in list(self._listeners):
            _tell(listener, self.endpoints)


def _tell(listener: EndpointsListener, endpoints: list[Endpoint]) -> None:
    try:
        listener(endpoints)
    except Exception:  # a faulty listener must not stop the watch or the others
        logger.exception("endpoints listener %r failed", listener)
