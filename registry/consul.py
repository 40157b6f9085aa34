"""Consul discovery: register with a gRPC health check, resolve through blocking queries.

Every service name gets one background watch of `health/service/NAME?passing`;
`endpoints()` reads its cache and never waits. Registrations are kept alive by a
loop that re-registers after an agent restart. A Consul outage only logs one
warning: cached endpoints keep serving and everything retries with backoff.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace

from registry.base import Discovery, Endpoint, EndpointsListener, Registration
from registry.consul_api import ConsulApi
from registry.consul_config import ConsulConfig, advertise_host, parse_address
from registry.consul_registrar import RegistrationKeeper
from registry.consul_watch import ServiceWatch
from registry.errors import ConsulRejected, ConsulTokenError, ConsulUnavailable
from registry.known_services import discovery_name

__all__ = [
    "ConsulConfig",
    "ConsulDiscovery",
    "ConsulRejected",
    "ConsulTokenError",
    "ConsulUnavailable",
]

logger = logging.getLogger(__name__)


class ConsulDiscovery(Discovery):
    """The Consul backend. Construct anywhere; `start()` inside the event loop."""

    def __init__(self, config: ConsulConfig | None = None) -> None:
        self.config = config or ConsulConfig()
        parse_address(self.config.address)  # a malformed CONSUL_HTTP_ADDR fails at once
        self._api: ConsulApi | None = None
        self._watches: dict[str, ServiceWatch] = {}
        # Keyed by the registration as the caller gave it, so that deregister()
        # finds an instance whose id or host this backend filled in.
        self._keepers: dict[_Key, RegistrationKeeper] = {}

    async def start(self) -> None:
        """Checks the ACL token. Raises ConsulTokenError if Consul refuses it (after
        closing everything); an unreachable Consul only logs a warning."""
        api = self._client()
        if not self.config.token:
            return  # anonymous may be allowed; register() reports a 403 naming the variable
        try:
            await api.check_token()
        except ConsulUnavailable:
            pass  # warned once by ConsulApi; watches and registrations retry
        except ConsulTokenError:
            await self.close()  # the caller exits: leave no session or task behind
            raise

    async def close(self) -> None:
        for watch in self._watches.values():
            await watch.close()
        for keeper in self._keepers.values():
            await keeper.stop()
        self._keepers.clear()
        self._watches.clear()
        if self._api is not None:
            await self._api.close()
            self._api = None

    async def register(self, registration: Registration) -> None:
        """Registers now, or as soon as Consul answers. Raises ConsulTokenError (403)
        and ConsulRejected (400, e.g. invalid meta keys) at once."""
        api = self._client()
        old = self._keepers.pop(_key(registration), None)
        if old is not None:
            await old.stop()
        keeper = RegistrationKeeper(api, await self._complete(registration, api))
        await keeper.start()
        self._keepers[_key(registration)] = keeper

    async def deregister(self, registration: Registration) -> None:
        """Withdraws the instance; if Consul is away, its failing check removes it later."""
        keeper = self._keepers.pop(_key(registration), None)
        if keeper is not None:
            await keeper.stop()
        instance_id = keeper.id if keeper else registration.instance_id
        if not instance_id:
            return  # never registered here, and no id to withdraw
        try:
            await self._client().deregister(instance_id)
            logger.info("deregistered %s from Consul", instance_id)
        except (ConsulUnavailable, ConsulTokenError, ConsulRejected) as exc:
            logger.warning(
                "could not deregister %s (%s); its check will retire it",
                instance_id,
                exc,
            )

    def endpoints(self, name: str) -> list[Endpoint]:
        watch = self._watch(name)
        return watch.endpoints if watch else []

    async def resolve(self, name: str) -> list[Endpoint]:
        watch = self._watch(name)
        if watch is None:
            return []
        await watch.first_answer(self.config.resolve_timeout)
        return watch.endpoints

    def watch(self, name: str, listener: EndpointsListener) -> Callable[[], None]:
        watch = self._watch(name)
        if watch is None:
            raise RuntimeError("ConsulDiscovery.watch() needs a running event loop")
        return watch.subscribe(listener)

    def _watch(self, name: str) -> ServiceWatch | None:
        """The watch of `name`, started on first use (None outside an event loop)."""
        key = discovery_name(name)
        watch = self._watches.get(key)
        if watch is None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return None
            watch = self._watches[key] = ServiceWatch(self._client(), key)
        return watch

    def _client(self) -> ConsulApi:
        if self._api is None:
            self._api = ConsulApi(self.config)  # needs the loop: aiohttp binds to it
        return self._api

    async def _complete(self, registration: Registration, api: ConsulApi) -> Registration:
        """The registration as Consul should see it: catalogue name, reachable host, an id."""
        host = await asyncio.to_thread(advertise_host, registration.host, api.address.host)
        named = replace(registration, name=discovery_name(registration.name), host=host)
        return replace(named, instance_id=registration.instance_id or _default_id(named))


_Key = tuple[str, str, int, str]


def _key(registration: Registration) -> _Key:
    return (
        registration.name,
        registration.host,
        registration.port,
        registration.instance_id,
    )


def _default_id(registration: Registration) -> str:
    """A unique id when the runtime gave none (instances must never share one)."""
    return f"{discovery_name(registration.name)}-{uuid.uuid4().hex[:12]}"
