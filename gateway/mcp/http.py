"""MCP Streamable HTTP at /mcp on the gateway: the SDK's session manager behind an Origin
check (the transport spec's defence against DNS rebinding).

A browser page may talk to /mcp only from an origin in TRIPMESH_CORS_ORIGINS or from a
loopback origin; clients that send no Origin (desktop apps, SDKs) are not browsers and
pass. API keys and rate limits apply as on /v1 (gateway.guard).
"""

import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from gateway.errors import gateway_error
from gateway.exchange import exchange_of
from gateway.mcp import PATH
from gateway.mcp.server import ToolsServer, watching
from gateway.responses import Receive, Scope, Send
from services.runtime.errors import PermissionDenied

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    if origin.rstrip("/") in allowed:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS


class McpEndpoint:
    """The ASGI endpoint of /mcp; `running()` holds its sessions and the tools watch."""

    def __init__(self, tools: ToolsServer, allowed_origins: list[str], max_body: int) -> None:
        self._tools = tools
        self._allowed = allowed_origins
        self._max_body = max_body
        self._manager: StreamableHTTPSessionManager | None = None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        # A session manager runs once; a new one per start.
        self._manager = StreamableHTTPSessionManager(
            self._tools.server,
            # The Origin check is ours (below), answered as every gateway error is; the
            # Host is not checked: behind keys the gateway serves any name it is given.
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
            max_request_body_size=self._max_body,
        )
        async with self._manager.run(), watching(self._tools):
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = exchange_of(scope).headers.get("origin")
        if origin is not None and not origin_allowed(origin, self._allowed):
            raise gateway_error(
                PermissionDenied,
                f"origin {origin[:200]} may not use {PATH}",
                reason="ORIGIN_NOT_ALLOWED",
                metadata={"origin": origin[:200]},
            )
        if self._manager is None:
            raise RuntimeError("McpEndpoint called before running()")
        await self._manager.handle_request(scope, receive, send)
