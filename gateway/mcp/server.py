"""The MCP server of the mesh's tools, and how its clients learn that the list changed.

The registry has no watch RPC, so `ToolsServer.watch` polls it and compares what a
client would see. A change reaches clients of both protocol eras: 2026-07-28 clients
through their `subscriptions/listen` stream (the SDK's bus), handshake-era clients
(desktop apps today) by a `notifications/tools/list_changed` on their session.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from gateway.mcp.calls import ToolCalls
from gateway.mcp.catalog import RegistryTools, fingerprint
from gateway.mcp.plan_tool import plan_trip_tool

logger = logging.getLogger(__name__)

MAX_HANDSHAKE_SESSIONS = 1024  # the oldest are forgotten first (the HTTP manager caps sessions)

NAME = "tripmesh"
INSTRUCTIONS = (
    "Travel tools of the tripmesh agents: city lookup and distances, currency conversion,"
    " daily costs, seasons and phrases; plan_trip plans a whole trip."
)


class _ToolsChangeServer(Server[Any]):
    """Declares tools.listChanged to handshake-era clients on every transport (the HTTP
    session manager builds the options without arguments)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )


class ToolsServer:
    def __init__(
        self, catalog: RegistryTools, calls: ToolCalls, *, version: str, poll_interval: float
    ) -> None:
        self._catalog = catalog
        self._calls = calls
        self._poll_interval = poll_interval
        self._plan_trip = plan_trip_tool()
        self._bus = InMemorySubscriptionBus()
        # Handshake-era clients by session id ("" on stdio), each with the session proxy of its
        # latest request: its standalone channel outlives the request.
        self._sessions: OrderedDict[str, ServerSession] = OrderedDict()
        self.server = _ToolsChangeServer(
            NAME,
            version=version,
            title="tripmesh",
            instructions=INSTRUCTIONS,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_subscriptions_listen=ListenHandler(self._bus),
        )

    async def tools(self) -> list[types.Tool]:
        return [*await self._catalog.list(), self._plan_trip]

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        self._remember(ctx)
        return types.ListToolsResult(tools=await self.tools())

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        self._remember(ctx)
        return await self._calls.call(params.name, params.arguments or {})

    def _remember(self, ctx: ServerRequestContext[Any]) -> None:
        """Handshake-era sessions get list changes on the session itself (no listen stream)."""
        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
            return
        key = _session_id(ctx)
        self._sessions[key] = ctx.session
        self._sessions.move_to_end(key)
        while len(self._sessions) > MAX_HANDSHAKE_SESSIONS:
            self._sessions.popitem(last=False)

    async def notify_tools_changed(self) -> None:
        await self._bus.publish(ToolsListChanged())
        for key, session in list(self._sessions.items()):
            try:
                await session.send_tool_list_changed()
            except Exception:  # the client has gone: forget it
                logger.debug("tools/list_changed not delivered to a closed session")
                self._sessions.pop(key, None)

    async def watch(self) -> None:
        """Polls the registry until cancelled; tells clients whenever their list changed."""
        seen: str | None = None
        while True:
            try:
                current = fingerprint(await self.tools())
            except Exception as exc:  # the registry away: keep the last list, try again
                logger.warning("MCP tool list not refreshed: %s", exc)
            else:
                if seen is not None and current != seen:
                    logger.info("the tool list changed: notifying MCP clients")
                    await self.notify_tools_changed()
                seen = current
            await asyncio.sleep(self._poll_interval)


def _session_id(ctx: ServerRequestContext[Any]) -> str:
    """The Mcp-Session-Id of an HTTP request; "" on stdio, which has one client."""
    headers = getattr(ctx.request, "headers", None)
    return str(headers.get("mcp-session-id", "")) if headers is not None else ""


@contextlib.asynccontextmanager
async def watching(tools: ToolsServer) -> Any:
    """Runs `tools.watch()` for the duration of the block."""
    task = asyncio.get_running_loop().create_task(tools.watch(), name="mcp-tools-watch")
    try:
        yield tools
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
