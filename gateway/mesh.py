"""/v1/mesh: every service of the mesh, its instances from discovery and each one's health.

The operators' page reads it. Each instance is asked on its own channel (the gateway's
routing channels balance over instances, so they cannot tell one from another); those
channels are kept per address and closed with the gateway.
"""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from gateway.responses import Send, send_response
from registry import KNOWN_SERVICES, Discovery, Endpoint
from services.runtime.instance_health import ChannelsByAddress, health_status
from services.runtime.tls_reload import CertificateWatch

SERVING = "SERVING"


class MeshView:
    """Answers /v1/mesh from discovery's cache and a health check per instance."""

    def __init__(
        self,
        timeout: float,
        gateway: Callable[[], dict[str, Any]],
        certificates: CertificateWatch | None = None,
    ) -> None:
        self._timeout = timeout
        self._gateway = gateway  # the gateway's own entry: it is the one answering
        self.discovery: Discovery | None = None  # set when the gateway starts
        # mTLS: the gateway's own certificate; None: plaintext
        self._channels = ChannelsByAddress(certificates)

    async def services(self) -> list[dict[str, Any]]:
        """One entry per known service, in the catalogue's order."""
        grpc_services = [s for s in KNOWN_SERVICES.values() if s.proto_service]
        entries = await asyncio.gather(
            *(self._service(s.name, s.discovery_name) for s in grpc_services)
        )
        return [*entries, self._gateway()]

    async def _service(self, name: str, discovery_name: str) -> dict[str, Any]:
        endpoints = self.discovery.endpoints(discovery_name) if self.discovery else []
        statuses = await asyncio.gather(*(self._check(e, discovery_name) for e in endpoints))
        instances = [
            {"address": e.address, "instanceId": e.instance_id, "status": status}
            for e, status in zip(endpoints, statuses, strict=True)
        ]
        return {
            "name": name,
            "discoveryName": discovery_name,
            "status": overall_status(statuses),
            "instances": instances,
        }

    async def _check(self, endpoint: Endpoint, service: str) -> str:
        channel = self._channels.get(endpoint.address, service)
        return await health_status(channel, service, self._timeout)

    async def endpoint(self, send: Send) -> None:
        body = {"services": await self.services()}
        await send_response(send, 200, json.dumps(body, separators=(",", ":")).encode())

    async def close(self) -> None:
        await self._channels.close()


def overall_status(statuses: list[str]) -> str:
    """SERVING when every instance serves; else the first other status; NO_INSTANCE for none."""
    if not statuses:
        return "NO_INSTANCE"
    return next((s for s in statuses if s != SERVING), SERVING)
