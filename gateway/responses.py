"""Whole responses, sent straight over ASGI (no framework objects on the hot path)."""

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from gateway.errors import HttpError, status_json

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
Scope = MutableMapping[str, Any]

JSON = b"application/json"
HTML = b"text/html; charset=utf-8"


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes = JSON,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Sends a complete response with its Content-Length."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_error(send: Send, error: HttpError, envelope: bool = False) -> None:
    """The error's google.rpc.Status as JSON (AIP-193's envelope if asked), with its HTTP
    status and headers."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in error.headers.items()]
    body = status_json(error.status, envelope)
    await send_response(send, error.http, body, JSON, headers)
