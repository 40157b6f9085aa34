"""The monitor watches every service's health itself: discovery for the instances,
the gRPC health service (or the gateway's /healthz) for their status.

A service is SERVING while at least one of its instances says so; the rule
"not SERVING for more than 2 minutes" reads how long it has not been.
"""

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from registry import Discovery, Endpoint, KnownService
from services.runtime import tls, tls_reload
from services.runtime.instance_health import ChannelsByAddress, health_status

logger = logging.getLogger(__name__)

Probe = Callable[[KnownService, Endpoint], Awaitable[bool]]


@dataclass
class ServiceState:
    serving: bool
    since: float  # when it entered this state (wall clock)


class GrpcProbe:
    """Checks one instance: gRPC health of the service's name, or HTTP /healthz for the gateway."""

    def __init__(self, timeout: float, files: tls.TlsFiles | None = None) -> None:
        self._timeout = timeout
        self._files = files  # mTLS: gRPC with the monitor's certificate, the gateway over https
        self._certificates = tls_reload.watch_if(files)
        self._channels = ChannelsByAddress(self._certificates)
        self._ssl: ssl.SSLContext | None = None
        self._ssl_generation = 0

    async def __call__(self, service: KnownService, endpoint: Endpoint) -> bool:
        if not service.proto_service:
            return await self._http_ok(service, endpoint)
        channel = self._channels.get(endpoint.address, service.discovery_name)
        status = await health_status(channel, service.discovery_name, self._timeout)
        return status == "SERVING"

    async def _http_ok(self, service: KnownService, endpoint: Endpoint) -> bool:
        """GET /healthz (https with mTLS on, the certificate checked against the service's
        name, as discovery gives a bare address): a 200 is SERVING.

        On asyncio's streams rather than an HTTP client: the probe reads one status line,
        and httpx (with httpcore, anyio and a CA bundle) cost the monitor some 10 MB.
        """
        self._follow_certificates()
        request = (
            f"GET /healthz HTTP/1.1\r\nHost: {endpoint.address}\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        try:
            async with asyncio.timeout(self._timeout):
                reader, writer = await asyncio.open_connection(
                    endpoint.host,
                    endpoint.port,
                    ssl=self._ssl,
                    server_hostname=tls.server_name(service.discovery_name) if self._ssl else None,
                )
                try:
                    writer.write(request)
                    await writer.drain()
                    status = await reader.readline()  # "HTTP/1.1 200 OK"
                finally:
                    writer.close()
                    with contextlib.suppress(OSError, ssl.SSLError):
                        await writer.wait_closed()
        except (OSError, TimeoutError, ValueError):  # ssl.SSLError is an OSError
            return False
        version, *code = status.split(maxsplit=2)[:2] or [b""]
        return version.startswith(b"HTTP/") and code == [b"200"]

    def _follow_certificates(self) -> None:
        """A new TLS context (for the next connections) once the certificate files changed."""
        if self._certificates is None:
            return
        current = self._certificates.current()
        if self._ssl is None or current.generation != self._ssl_generation:
            self._ssl = tls_reload.client_ssl_context(current)
            self._ssl_generation = current.generation

    async def close(self) -> None:
        await self._channels.close()


class HealthWatcher:
    def __init__(
        self,
        discovery: Discovery,
        services: list[KnownService],
        probe: Probe,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._discovery = discovery
        self._services = services
        self._probe = probe
        self._clock = clock
        self._states: dict[str, ServiceState] = {}

    def not_serving(self, now: float) -> dict[str, float]:
        return {
            name: 0.0 if state.serving else max(0.0, now - state.since)
            for name, state in self._states.items()
        }

    async def check_all(self) -> None:
        """One round: every service's instances, concurrently."""
        results = await asyncio.gather(*(self._serving(s) for s in self._services))
        now = self._clock()
        for service, serving in zip(self._services, results, strict=True):
            state = self._states.get(service.discovery_name)
            if state is None or state.serving != serving:
                if state is not None:
                    logger.info(
                        "%s is %s", service.discovery_name, "SERVING" if serving else "NOT SERVING"
                    )
                self._states[service.discovery_name] = ServiceState(serving, now)

    async def _serving(self, service: KnownService) -> bool:
        endpoints = self._discovery.endpoints(service.discovery_name)
        if not endpoints:
            return False
        answers = await asyncio.gather(*(self._probe(service, e) for e in endpoints))
        return any(answers)
