"""A service's server in the test's own event loop, on a free port."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import grpc

from services.runtime.server import ServiceServer
from tests.support.settings import Settings, load_settings

CreateServer = Callable[[Settings], Awaitable[tuple[ServiceServer, int]]]


@asynccontextmanager
async def running_server(
    create_server: CreateServer, **settings: Any
) -> AsyncIterator[tuple[ServiceServer, int]]:
    """Starts `create_server(settings)` on port 0 and drains it at the end."""
    options: dict[str, Any] = {"port": 0, "grace_period": 1.0, **settings}
    server, port = await create_server(load_settings(**options))
    await server.start()
    try:
        yield server, port
    finally:
        await server.drain()


@asynccontextmanager
async def channel_to(port: int) -> AsyncIterator[grpc.aio.Channel]:
    """A plain client channel to 127.0.0.1:port."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
