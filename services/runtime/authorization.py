"""Enforcing services.runtime.access with mTLS on (a step of the server pipeline).

The caller's identity exists only once the call runs (the ServicerContext's auth context),
so every guarded handler is wrapped, whatever its kind, and checks before any work.
Refused: PERMISSION_DENIED with one ErrorInfo naming the identity and the method.
"""

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc

from services.runtime import access, errors
from services.runtime.tls import peer_identity

if TYPE_CHECKING:
    from services.runtime.interceptors import Handler

logger = logging.getLogger(__name__)

Check = Callable[[grpc.aio.ServicerContext[Any, Any]], Awaitable[None]]
_FACTORIES = (
    ("unary_unary", grpc.unary_unary_rpc_method_handler),
    ("unary_stream", grpc.unary_stream_rpc_method_handler),
    ("stream_unary", grpc.stream_unary_rpc_method_handler),
    ("stream_stream", grpc.stream_stream_rpc_method_handler),
)


def caller_check(method: str, domain: str) -> Check | None:
    """What lets a call of `method` through only when its caller's SPIFFE id may call it
    (it ends the call otherwise); None when the method is open to every caller."""
    if access.is_open(method):
        return None
    allowed = access.callers(method)

    async def check(context: grpc.aio.ServicerContext[Any, Any]) -> None:
        identity = peer_identity(context)
        if not access.admits(allowed, identity):
            await _refuse(context, identity, method, domain)

    return check


async def _refuse(
    context: grpc.aio.ServicerContext[Any, Any], identity: str, method: str, domain: str
) -> None:
    shown = identity or "a certificate without a spiffe://tripmesh/ identity"
    logger.warning("refused %s to %s", method, shown)
    status = errors.PermissionDenied(
        f"{shown} may not call {method}",
        reason="CALLER_NOT_ALLOWED",
        metadata={"identity": identity, "method": method},
    ).to_status(domain)
    grpc_status = errors.to_grpc_status(status)
    await context.abort(grpc_status.code, grpc_status.details, grpc_status.trailing_metadata)


def guarded(handler: "Handler", check: Check) -> "Handler":
    """The same handler, its behaviour preceded by `check`."""
    for kind, factory in _FACTORIES:
        behavior = getattr(handler, kind)
        if behavior is not None:
            wrapped: Any = factory(
                _preceded(behavior, check),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
            return wrapped  # type: ignore[no-any-return]
    return handler


def _preceded(behavior: Any, check: Check) -> Any:
    if inspect.isasyncgenfunction(behavior):

        async def stream(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            await check(context)
            async for response in behavior(request, context):
                yield response

        return stream

    async def call(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await check(context)
        return await behavior(request, context)

    return call
