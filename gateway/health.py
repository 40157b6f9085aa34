"""/healthz (the gateway process) and /readyz (it can reach what trips need).

Readiness follows the hard dependency only: the orchestrator. An upstream that trips
do not need (the monitor, the registry, the router, an agent reached directly) being
down degrades the routes it serves and shows in the body, but never takes the edge
out of its load balancer.
"""

import asyncio
import json

from gateway.responses import Send, send_response
from gateway.upstream import Upstreams
from services.runtime.instance_health import health_status

REQUIRED = frozenset({"tripmesh-orchestrator"})


async def healthz(send: Send) -> None:
    await send_response(send, 200, b'{"status":"SERVING"}')


class Readiness:
    """Asks each upstream's health service, in parallel, on the gateway's own channels."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self.upstreams: Upstreams | None = None  # set when the gateway starts
        self.draining = False  # set on SIGTERM: not ready, so balancers move away first

    async def statuses(self) -> dict[str, str]:
        """Discovery name → health status name ("SERVING", "NOT_SERVING", "UNREACHABLE", ...)."""
        if self.upstreams is None:
            return {}
        names = self.upstreams.services
        results = await asyncio.gather(*(self._check(name) for name in names))
        return dict(zip(names, results, strict=True))

    async def _check(self, service: str) -> str:
        channel = self.upstreams.pool.channel(service) if self.upstreams else None
        if channel is None:
            return "NO_INSTANCE"
        return await health_status(channel, service, self._timeout)

    async def readyz(self, send: Send) -> None:
        """200 when the orchestrator is SERVING, else 503; names every upstream that is not."""
        statuses = await self.statuses()
        not_serving = sorted(name for name, status in statuses.items() if status != "SERVING")
        missing = [name for name in not_serving if name in REQUIRED]
        ready = self.upstreams is not None and not missing and not self.draining
        body = {
            "status": "SERVING" if ready else "NOT_SERVING",
            "draining": self.draining,
            "upstreams": statuses,
            "notServing": not_serving,
            "degraded": [name for name in not_serving if name not in REQUIRED],
        }
        await send_response(
            send, 200 if ready else 503, json.dumps(body, separators=(",", ":")).encode()
        )
