"""What every outgoing call carries: the caller's remaining deadline minus a margin, its
request id, the API key it is for (name and budget) and its trace context."""

from typing import Any

import grpc

from services.runtime import deadlines, errors
from services.runtime.caller import KEY_HEADER, caller_var
from services.runtime.interceptors import REQUEST_ID_HEADER
from services.runtime.logs import correlation_id_var
from services.runtime.tracing import inject_trace_context


def call_timeout(method: str, asked: float | None, default: float, margin: float) -> float:
    """Seconds the call may take: what the caller has left (minus `margin`), at most `asked`.

    Raises DeadlineExceeded when nothing is left: a call never outlives its caller.
    """
    timeout = deadlines.budget(default, margin)
    if asked is not None:
        timeout = min(timeout, asked)
    if timeout <= 0:
        raise errors.DeadlineExceeded(
            f"no time left to call {method!r}", reason="DEADLINE_EXCEEDED"
        )
    return timeout


def call_metadata(given: Any) -> grpc.aio.Metadata:
    """The call's metadata with the request id, the caller's key and the W3C trace context."""
    metadata = grpc.aio.Metadata(*(given or ()))
    if (request_id := correlation_id_var.get()) and not metadata.get(REQUEST_ID_HEADER):
        metadata.add(REQUEST_ID_HEADER, request_id)
    if (caller := caller_var.get()) is not None and not metadata.get(KEY_HEADER):
        for name, value in caller.metadata():
            metadata.add(name, value)
    inject_trace_context(metadata)
    return metadata


class OutgoingInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor
):
    """The same for a plain channel (the router's per-instance channels)."""

    def __init__(self, default_deadline: float, margin: float) -> None:
        self._default = default_deadline
        self._margin = margin

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        return grpc.aio.ClientCallDetails(
            details.method,
            call_timeout(method, details.timeout, self._default, self._margin),
            call_metadata(details.metadata),
            details.credentials,
            details.wait_for_ready,
        )

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)

    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)
