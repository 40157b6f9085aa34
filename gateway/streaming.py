"""Server streams over HTTP: Server-Sent Events when asked for, NDJSON otherwise.

SSE: each message is a `data:` event; a failure ends the stream with
`event: error` and the google.rpc.Status. NDJSON (grpc-gateway's framing):
`{"result": message}` per line, `{"error": status}` as the last line on
failure. Headers wait for the first message (so that an early failure is a
plain error response with its HTTP status), but no longer than a second.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

from google.rpc import status_pb2

from gateway.errors import status_json
from gateway.responses import Send

SSE = b"text/event-stream"
NDJSON = b"application/x-ndjson"
HEADERS_WAIT = 1.0  # seconds the headers wait for the first message
END: Any = object()


def wants_sse(headers: Mapping[str, str]) -> bool:
    return "text/event-stream" in headers.get("accept", "")


class StreamWriter:
    """Frames messages for one response, starting it on the first write."""

    def __init__(self, send: Send, sse: bool, envelope: bool = False) -> None:
        self._send = send
        self._sse = sse
        self._envelope = envelope  # errors as AIP-193 {"error": ...} (A2A routes)
        self.started = False

    async def start(self) -> None:
        if self.started:
            return
        self.started = True
        await self._send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", SSE if self._sse else NDJSON),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),  # proxies: pass events on as they come
                ],
            }
        )

    async def message(self, body: bytes) -> None:
        frame = b"data: " + body + b"\n\n" if self._sse else b'{"result":' + body + b"}\n"
        await self._write(frame)

    async def error(self, status: status_pb2.Status) -> None:
        body = status_json(status, self._envelope)
        frame = (
            b"event: error\ndata: " + body + b"\n\n" if self._sse else b'{"error":' + body + b"}\n"
        )
        await self._write(frame)

    async def end(self) -> None:
        await self.start()
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _write(self, frame: bytes) -> None:
        await self.start()
        await self._send({"type": "http.response.body", "body": frame, "more_body": True})


async def first_message(responses: AsyncIterator[Any], writer: StreamWriter) -> Any:
    """The first message (or END), starting the response if it takes over HEADERS_WAIT."""
    task = asyncio.ensure_future(_next(responses))
    try:
        done, _ = await asyncio.wait({task}, timeout=HEADERS_WAIT)
        if not done:
            await writer.start()
        return await task
    finally:
        if not task.done():
            task.cancel()


async def _next(responses: AsyncIterator[Any]) -> Any:
    return await anext(responses, END)
