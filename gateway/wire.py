"""uvicorn's httptools protocol, sending a response's head and body in one write.

uvicorn writes the status line and headers as soon as the app sends
`http.response.start`, and the body when `http.response.body` comes: two sends
per response, and on loopback the second wakes the client again. The gateway
sends both in the same step (responses.send_response), so here each write is held
until the next one, which joins it, or until the loop's next turn (a stream's
later chunks, a 100 Continue): the bytes and their order are unchanged.
"""

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class CoalescingTransport:
    """Writes through to `transport`, each one held until the next write or the next turn."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is None:
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._held = None
            self._transport.write(held + data)

    def flush(self) -> None:
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GatewayProtocol(HttpToolsProtocol):
    """HTTP/1.1 on httptools, one send per whole response."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # After FlowControl and the addresses took the socket's own transport.
        self.transport = cast(asyncio.Transport, CoalescingTransport(transport, self.loop))
