"""What the server pipeline (pipeline.py) shares with the rest of the runtime: the outcome of
a call, the access line, how failures become statuses, and ending a call with a status."""

import logging
from typing import TYPE_CHECKING, Any, TypeAlias

import grpc
from google.rpc import status_pb2

from registry.errors import DiscoveryError
from services.runtime import errors
from services.runtime.logs import correlation_id_var

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
if TYPE_CHECKING:  # generic only in the type stubs
    Handler: TypeAlias = grpc.RpcMethodHandler[Any, Any]

# grpc.StatusCode by its number, for a code set on the context as an int
_CODES = {code.value[0]: code for code in grpc.StatusCode}


def final_code(
    context: grpc.aio.ServicerContext[Any, Any], failed: bool, cancelled: bool = False
) -> grpc.StatusCode:
    """The code the client gets: the one set on the context, else what the failure means."""
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(code, int):
        return _CODES.get(code, grpc.StatusCode.UNKNOWN)
    if failed:
        # A caller that goes away cancels the handler's task before the context says so.
        cancelled = cancelled or context.cancelled()
        return grpc.StatusCode.CANCELLED if cancelled else grpc.StatusCode.INTERNAL
    return grpc.StatusCode.OK


# The work of a trip is logged at INFO, one line per call; the mesh's bookkeeping
# (records, heartbeats, registry reads, health) only at DEBUG, or it would drown it.
_INFO_METHODS = tuple(
    f"/tripmesh.v1.{service}/"
    for service in ("OrchestratorService", "PlannerService", "BudgetService", "GuideService")
)


def access_level(method: str) -> int:
    """The level of `method`'s access line."""
    return logging.INFO if method.startswith(_INFO_METHODS) else logging.DEBUG


def log_access(level: int, code: grpc.StatusCode, seconds: float) -> None:
    """An access line per RPC (inside the request context: ids included)."""
    if logger.isEnabledFor(level):
        extra = {"code": code.name, "duration_ms": round(seconds * 1000, 2)}
        logger.log(level, "handled", extra=extra)


class ErrorStatuses:
    """Typed errors become their status; upstream statuses pass on; anything else is INTERNAL.

    Never UNKNOWN, never a leaked message: a bare exception is logged with its
    traceback and the client gets INTERNAL with the correlation id to quote.
    """

    def __init__(self, domain: str) -> None:
        self._domain = domain

    def of(self, exc: Exception, method: str) -> status_pb2.Status:
        """The status a handler's failure ends its call with (call it where `exc` is handled:
        the log lines carry its traceback)."""
        if isinstance(exc, errors.TripmeshError):
            if exc.code is grpc.StatusCode.INTERNAL:
                logger.error("internal error: %s", exc.message, exc_info=True)
            return exc.to_status(self._domain)
        if isinstance(exc, DiscoveryError):
            return errors.from_discovery_error(exc).to_status(self._domain)
        if isinstance(exc, grpc.aio.AioRpcError):
            return self._upstream_status(exc)
        logger.exception("unhandled error in %s", method)
        return self._internal_status()

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
