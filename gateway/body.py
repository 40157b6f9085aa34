"""Reads a request body, refusing one over the limit (413) before holding it all."""

from collections.abc import Mapping

from gateway.errors import HttpError, gateway_error
from gateway.responses import Receive
from services.runtime.errors import InvalidArgument, ResourceExhausted


def require_json(headers: Mapping[str, str]) -> None:
    """Raises HttpError 415 when the body is declared as anything but JSON (no declared
    type is read as JSON): a form or text/plain is never parsed as if it were."""
    declared = headers.get("content-type")
    if declared is None:
        return
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise gateway_error(
            InvalidArgument,
            "the body must be JSON: Content-Type: application/json",
            reason="UNSUPPORTED_MEDIA_TYPE",
            http=415,
            metadata={"content_type": declared},
        )


async def read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes:
    """The whole body; raises HttpError 413 as soon as it is known to exceed `limit`."""
    declared = headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise gateway_error(
                InvalidArgument, f"bad Content-Length {declared!r}", reason="INVALID_HEADER"
            )
        if int(declared) > limit:
            raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def too_large(limit: int) -> HttpError:
    return gateway_error(
        ResourceExhausted,
        f"request body is larger than {limit} bytes",
        reason="BODY_TOO_LARGE",
        http=413,
        metadata={"limit": str(limit)},
    )


class ClientGone(Exception):
    """The client disconnected before its request was read."""
