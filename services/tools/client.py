"""`ToolClient`: how agents call tools — always through the task router.

    tools = ToolClient.from_context(context)
    result = await tools.call("currency.convert", {"amount": 120, "from": "USD", "to": "EUR"})

Failures arrive as the typed errors of services.runtime.errors, with the
provider's (or router's) reason, domain and metadata, so that domain code
never handles gRPC objects and the error interceptor passes them on unchanged.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import grpc
from tripmesh.v1 import task_router_service_pb2 as router_pb2
from tripmesh.v1 import task_router_service_pb2_grpc as router_grpc

from services.runtime import errors
from services.tools.definition import JsonObject, resource_name
from services.tools.structs import to_dict, to_struct

_ERROR_BY_CODE: dict[grpc.StatusCode, type[errors.TripmeshError]] = {
    cls.code: cls
    for cls in (
        errors.Cancelled,
        errors.InvalidArgument,
        errors.DeadlineExceeded,
        errors.NotFound,
        errors.AlreadyExists,
        errors.PermissionDenied,
        errors.ResourceExhausted,
        errors.FailedPrecondition,
        errors.Aborted,
        errors.Unimplemented,
        errors.Internal,
        errors.Unavailable,
        errors.Unauthenticated,
    )
}


if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.task_router_service_pb2_grpc import TaskRouterServiceAsyncStub


class _HasStub(Protocol):
    @property
    def stub(self) -> "TaskRouterServiceAsyncStub": ...


class _HasChannels(Protocol):
    @property
    def channels(self) -> Any: ...


@dataclass(frozen=True)
class ToolResult:
    """A tool's result and who served it."""

    result: JsonObject
    provider_service: str
    provider_instance_id: str
    attempts: int


class ToolClient:
    """Calls tools by name through the task router, with the caller's deadline."""

    def __init__(self, router: _HasStub, timeout: float | None = None) -> None:
        self._router = router
        self._timeout = timeout

    @classmethod
    def from_context(cls, context: _HasChannels, timeout: float | None = None) -> "ToolClient":
        """A client on the service's channel pool (`ServiceContext` in `install()`)."""
        return cls(
            context.channels.client("task-router", router_grpc.TaskRouterServiceStub), timeout
        )

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> JsonObject:
        """The result object of `tool` ("currency.convert") for `arguments`."""
        return (await self.invoke(tool, arguments)).result

    async def invoke(self, tool: str, arguments: Mapping[str, Any]) -> ToolResult:
        """Like `call`, with the provider that served it and the attempts made."""
        request = router_pb2.RouteTaskRequest(
            name=resource_name(tool), arguments=to_struct(arguments)
        )
        try:
            reply = await self._router.stub.RouteTask(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as exc:
            raise typed_error(exc) from None
        return ToolResult(
            result=to_dict(reply.result),
            provider_service=reply.provider_service,
            provider_instance_id=reply.provider_instance_id,
            attempts=reply.attempts,
        )


def typed_error(exc: grpc.aio.AioRpcError) -> errors.TripmeshError:
    """The typed error of a failed call, keeping the status's reason, domain and metadata."""
    status = errors.status_from_rpc_error(exc)
    info = errors.error_info(status)
    cls = _ERROR_BY_CODE.get(exc.code(), errors.Internal)
    metadata = dict(info.metadata) if info else {}
    error = cls(
        status.message or exc.code().name,
        reason=info.reason if info else f"UPSTREAM_{exc.code().name}",
        metadata=metadata,
        field=metadata.get("field"),
        domain=info.domain if info else None,
    )
    return error
