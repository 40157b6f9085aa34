"""The door of every server: a request that cannot be decoded, or that a bound refuses,
is INVALID_ARGUMENT with a google.rpc.BadRequest before any handler runs.

grpc decodes a request with the handler's `request_deserializer` before any interceptor
sees it, and answers UNKNOWN naming a Python class when that raises (corrupt wire format,
a Struct nested past upb's depth limit). So the door replaces the deserializer with one
that turns any decoding failure into an `Undecodable` value, and the handler it wraps
refuses that value, like a request out of bounds, with the statuses of the runtime.
It is the innermost interceptor: the error interceptor maps what it raises.
"""

import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import grpc

from services.runtime.bounds import Table, violations
from services.runtime.bounds_table import BOUNDS
from services.runtime.errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:  # generic only in the type stubs
    Handler: TypeAlias = grpc.RpcMethodHandler[Any, Any]
Continuation = Callable[[grpc.HandlerCallDetails], Any]
Deserializer = Callable[[bytes], Any]


@dataclass(frozen=True)
class Undecodable:
    """What the guarded deserializer returns for bytes that are not a valid request."""

    type_name: str


def guarded(deserialize: Deserializer | None) -> Deserializer | None:
    """`deserialize`, returning Undecodable instead of raising."""
    if deserialize is None:
        return None
    message_type = getattr(deserialize, "__self__", None)
    type_name = getattr(getattr(message_type, "DESCRIPTOR", None), "full_name", "request")

    def decode(data: bytes) -> Any:
        try:
            return deserialize(data)
        except Exception:  # DecodeError, RecursionError: any failure is the sender's bytes
            return Undecodable(type_name)

    return decode


def admit(request: Any, table: Table) -> None:
    """Raises InvalidArgument naming every field of `request` that is malformed or out of
    bounds; returns when the request may go in."""
    if isinstance(request, Undecodable):
        raise InvalidArgument(
            f"the request is not a valid {request.type_name} message"
            " (corrupt wire format, or nested too deep)",
            reason="MALFORMED_REQUEST",
            violations=[FieldViolation("request", "cannot be decoded")],
        )
    if found := violations(request, table):
        names = ", ".join(v.field for v in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise InvalidArgument(
            f"{len(found)} field(s) out of bounds: {names}{more}",
            reason="FIELD_OUT_OF_BOUNDS",
            violations=found,
        )


class DoorInterceptor(grpc.aio.ServerInterceptor):
    """Guards decoding and checks bounds on every unary-request RPC."""

    def __init__(self, table: Table = BOUNDS) -> None:
        self._table = table

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> "Handler | None":
        handler: Handler | None = await continuation(handler_call_details)
        if handler is None or handler.request_streaming:
            return handler
        decode = guarded(handler.request_deserializer)
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary),
                request_deserializer=decode,
                response_serializer=handler.response_serializer,
            )
        behavior = handler.unary_stream
        wrapped = (
            self._stream(behavior)
            if inspect.isasyncgenfunction(behavior)
            else self._unary(behavior)
        )
        return grpc.unary_stream_rpc_method_handler(
            wrapped, request_deserializer=decode, response_serializer=handler.response_serializer
        )

    def _unary(self, behavior: Any) -> Any:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            admit(request, self._table)
            return await behavior(request, context)

        return wrapped

    def _stream(self, behavior: Any) -> Any:
        async def wrapped(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            admit(request, self._table)
            async for response in behavior(request, context):
                yield response

        return wrapped
