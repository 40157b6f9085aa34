"""Keeps one instance registered in the local Consul agent, whatever happens to the agent."""

import asyncio
import contextlib
import logging
from typing import Any

from registry.base import Registration
from registry.consul_api import ConsulApi, background_retry
from registry.consul_config import ConsulConfig, duration
from registry.errors import ConsulUnavailable
from registry.known_services import known_service

logger = logging.getLogger(__name__)

READINESS_PATH = "/readyz"  # what the HTTP edge (the gateway) is checked on


def service_payload(registration: Registration, api: ConsulApi) -> dict[str, Any]:
    """The agent/service/register body: the instance and its health check."""
    http = _is_http(registration.name)
    return {
        "ID": registration.instance_id,
        "Name": registration.name,
        "Address": registration.host,
        "Port": registration.port,
        "Tags": list(dict.fromkeys(("http" if http else "grpc", "v1", *registration.tags))),
        "Meta": dict(registration.meta),
        "Check": _check(registration, api.config, http),
    }


def _check(registration: Registration, config: ConsulConfig, http: bool) -> dict[str, Any]:
    """A gRPC health check (grpc.health.v1, overall "" service), or HTTP for the edge."""
    address = f"{registration.host}:{registration.port}"
    if ":" in registration.host:
        address = f"[{registration.host}]:{registration.port}"
    scheme = "https" if config.tls_checks else "http"
    target: dict[str, Any] = (
        {"HTTP": f"{scheme}://{address}{READINESS_PATH}"}
        if http
        else {"GRPC": address, "GRPCUseTLS": config.tls_checks}
    )
    if config.tls_checks and config.verify_checks:
        # Every instance's certificate names its discovery name (tripmesh-planner, ...).
        target["TLSServerName"] = registration.name
    elif config.tls_checks:
        # The agent authenticates itself (the server asks it for a certificate from the mesh's
        # CA: enable_agent_tls_for_checks) but does not check the instance's certificate:
        # TLSServerName, which would, is unknown to Consul before 1.10 (the tests run 1.8.7),
        # and without it the agent would check the Consul node's name, which no instance holds.
        target["TLSSkipVerify"] = True
    return {
        "CheckID": f"service:{registration.instance_id}",
        "Name": f"{'HTTP' if http else 'gRPC'} health of {registration.name}",
        **target,
        "Interval": duration(config.check_interval),
        "Timeout": duration(config.check_timeout),
        "DeregisterCriticalServiceAfter": duration(config.deregister_after),
    }


def _is_http(name: str) -> bool:
    """Catalogued services without a gRPC service (the gateway) speak HTTP only."""
    try:
        return not known_service(name).proto_service
    except KeyError:
        return False


class RegistrationKeeper:
    """Registers an instance, then re-registers it whenever the agent has lost it.

    An agent restarted without persisted state (a dev agent, a replaced pod) forgets
    the services registered through its API; this loop notices within
    `resync_interval` of the agent answering again.
    """

    def __init__(self, api: ConsulApi, registration: Registration) -> None:
        self.registration = registration
        self._api = api
        self._payload = service_payload(registration, api)
        self._retry = background_retry(api.config).with_on_retry(self._failed)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """First attempt inline: a rejected token or payload raises; an outage only defers."""
        registered = True
        try:
            await self._api.register(self._payload)
        except ConsulUnavailable:
            registered = False  # ConsulApi warned; the loop registers once Consul answers
        else:
            logger.info("registered %s in Consul", self.registration.instance_id)
        self._task = asyncio.create_task(self._run(registered), name=f"consul-keep-{self.id}")

    @property
    def id(self) -> str:
        return self.registration.instance_id

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, registered: bool) -> None:
        delay = self._api.config.resync_interval if registered else next(self._retry.delays())
        while True:
            await asyncio.sleep(delay)
            await self._retry.call(self._ensure)
            delay = self._api.config.resync_interval

    async def _ensure(self) -> None:
        if not await self._api.has_service(self.id):
            await self._api.register(self._payload)
            logger.warning("re-registered %s: the Consul agent had lost it", self.id)

    def _failed(self, exc: Exception, attempt: int, delay: float) -> None:
        if not isinstance(exc, ConsulUnavailable):  # ConsulApi logs outages, once each
            logger.error("cannot register %s in Consul: %s", self.id, exc)
