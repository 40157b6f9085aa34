"""Server interceptors: each wraps the behaviour of unary and server-streaming RPCs
in one async scope, so that every concern is a small class.

Order (outermost first): overload (admission.py), tracing, metrics, reporting, request
context, fault delay, errors, and the door (services/runtime/door.py: decoding and bounds).
"""

import abc
import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

import grpc
from google.rpc import status_pb2

from registry.errors import DiscoveryError
from services.runtime import deadlines, errors
from services.runtime.caller import caller_of, caller_var
from services.runtime.logs import correlation_id, correlation_id_var, method_var
from services.runtime.metrics import (
    SERVER_HANDLED,
    SERVER_HANDLING_SECONDS,
    SERVER_STARTED,
    split_method,
)

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
if TYPE_CHECKING:  # generic only in the type stubs
    Handler: TypeAlias = grpc.RpcMethodHandler[Any, Any]
Continuation = Callable[[grpc.HandlerCallDetails], Awaitable["Handler | None"]]


class ScopeInterceptor(grpc.aio.ServerInterceptor, abc.ABC):
    """Runs each unary-response and server-streaming RPC inside `scope()`."""

    def applies_to(self, method: str) -> bool:
        """Whether to wrap `method` ("/pkg.Service/Method")."""
        return True

    @abc.abstractmethod
    def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AbstractAsyncContextManager[None]:
        """The async context the call runs in."""

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> "Handler | None":
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not self.applies_to(method):
            return handler
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._wrap_unary(handler.unary_unary, method, "unary"),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None and inspect.isasyncgenfunction(handler.unary_stream):
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_stream(handler.unary_stream, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._wrap_unary(handler.unary_stream, method, "server_stream"),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler  # client and bidi streaming: none of ours; served unwrapped

    def _wrap_unary(self, behavior: Any, method: str, rpc_type: str) -> Any:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            async with self.scope(method, rpc_type, context):
                return await behavior(request, context)

        return wrapped

    def _wrap_stream(self, behavior: Any, method: str) -> Any:
        async def wrapped(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            async with self.scope(method, "server_stream", context):
                async for response in behavior(request, context):
                    yield response

        return wrapped


def final_code(
    context: grpc.aio.ServicerContext[Any, Any], failed: bool, cancelled: bool = False
) -> grpc.StatusCode:
    """The code the client gets: the one set on the context, else what the failure means."""
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(code, int):
        return next((c for c in grpc.StatusCode if c.value[0] == code), grpc.StatusCode.UNKNOWN)
    if failed:
        # A caller that goes away cancels the handler's task before the context says so.
        cancelled = cancelled or context.cancelled()
        return grpc.StatusCode.CANCELLED if cancelled else grpc.StatusCode.INTERNAL
    return grpc.StatusCode.OK


@asynccontextmanager
async def outcome(
    context: grpc.aio.ServicerContext[Any, Any],
    done: Callable[[grpc.StatusCode, float], None],
) -> AsyncIterator[None]:
    """Runs a call and then tells `done` its final code and how long it took (seconds)."""
    start = time.perf_counter()
    failed = cancelled = False
    try:
        yield
    except asyncio.CancelledError:
        failed = cancelled = True
        raise
    except BaseException:
        failed = True
        raise
    finally:
        done(final_code(context, failed, cancelled), time.perf_counter() - start)


class MetricsInterceptor(ScopeInterceptor):
    """grpc_server_started_total, grpc_server_handled_total, grpc_server_handling_seconds."""

    @asynccontextmanager
    async def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[None]:
        service, name = split_method(method)
        SERVER_STARTED.labels(rpc_type, service, name).inc()

        def done(code: grpc.StatusCode, seconds: float) -> None:
            SERVER_HANDLED.labels(rpc_type, service, name, code.name).inc()
            SERVER_HANDLING_SECONDS.labels(rpc_type, service, name).observe(seconds)

        async with outcome(context, done):
            yield


class RequestContextInterceptor(ScopeInterceptor):
    """Request id, method and deadline of the call, visible to logs and domain code."""

    @asynccontextmanager
    async def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[None]:
        metadata = dict(context.invocation_metadata() or ())
        given = metadata.get(REQUEST_ID_HEADER)
        tokens = (
            correlation_id_var.set(correlation_id(given if isinstance(given, str) else None)),
            method_var.set(method),
        )
        deadline_token = deadlines.set_deadline(context.time_remaining())
        caller_token = caller_var.set(caller_of(metadata))
        try:
            async with outcome(context, _log_access):
                yield
        finally:
            caller_var.reset(caller_token)
            deadlines.reset_deadline(deadline_token)
            method_var.reset(tokens[1])
            correlation_id_var.reset(tokens[0])


# The work of a trip is logged at INFO, one line per call; the mesh's bookkeeping
# (records, heartbeats, registry reads, health) only at DEBUG, or it would drown it.
_INFO_METHODS = tuple(
    f"/tripmesh.v1.{service}/"
    for service in ("OrchestratorService", "PlannerService", "BudgetService", "GuideService")
)


def _log_access(code: grpc.StatusCode, seconds: float) -> None:
    """An access line per RPC (inside the request context: ids included)."""
    level = logging.INFO if method_var.get().startswith(_INFO_METHODS) else logging.DEBUG
    if logger.isEnabledFor(level):
        extra = {"code": code.name, "duration_ms": round(seconds * 1000, 2)}
        logger.log(level, "handled", extra=extra)


class FaultDelayInterceptor(ScopeInterceptor):
    """Test setting TRIPMESH_FAULT_DELAY_MS: every tripmesh RPC (or those whose full
    method starts with one of TRIPMESH_FAULT_DELAY_METHODS) takes that much longer."""

    def __init__(self, delay_ms: int, prefixes: tuple[str, ...] = ("/tripmesh.",)) -> None:
        self._delay = delay_ms / 1000
        self._prefixes = prefixes

    def applies_to(self, method: str) -> bool:
        return method.startswith(self._prefixes)

    @asynccontextmanager
    async def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[None]:
        await asyncio.sleep(self._delay)
        yield


class ErrorInterceptor(ScopeInterceptor):
    """Typed errors become their status; upstream statuses pass on; anything else is INTERNAL.

    Never UNKNOWN, never a leaked message: a bare exception is logged with its
    traceback and the client gets INTERNAL with the correlation id to quote.
    """

    def __init__(self, domain: str) -> None:
        self._domain = domain

    @asynccontextmanager
    async def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[None]:
        try:
            yield
        except (asyncio.CancelledError, grpc.aio.AbortError):
            raise
        except errors.TripmeshError as exc:
            if exc.code is grpc.StatusCode.INTERNAL:
                logger.error("internal error: %s", exc.message, exc_info=True)
            await abort_with(context, exc.to_status(self._domain))
        except DiscoveryError as exc:
            await abort_with(context, errors.from_discovery_error(exc).to_status(self._domain))
        except grpc.aio.AioRpcError as exc:
            await abort_with(context, self._upstream_status(exc))
        except Exception:
            logger.exception("unhandled error in %s", method)
            await abort_with(context, self._internal_status())

    def _upstream_status(self, exc: grpc.aio.AioRpcError) -> status_pb2.Status:
        status = errors.status_from_rpc_error(exc)
        if errors.error_info(status) is not None:
            return status
        code = exc.code()
        wrapped = errors.TripmeshError(
            f"upstream call failed: {exc.details() or code.name}",
            reason=f"UPSTREAM_{code.name}",
            retry_after=1.0 if code is grpc.StatusCode.UNAVAILABLE else None,
        )
        wrapped.code = code
        return wrapped.to_status(self._domain)

    def _internal_status(self) -> status_pb2.Status:
        correlation_id = correlation_id_var.get()
        return errors.Internal(
            f"internal error (correlation id {correlation_id})",
            reason="INTERNAL",
            metadata={"correlation_id": correlation_id},
        ).to_status(self._domain)


async def abort_with(
    context: grpc.aio.ServicerContext[Any, Any], status: status_pb2.Status
) -> None:
    """Ends the call with `status` (code, message and details in the trailer)."""
    grpc_status = errors.to_grpc_status(status)
    await context.abort(grpc_status.code, grpc_status.details, grpc_status.trailing_metadata)
