"""Typed errors, one per canonical gRPC code, and their google.rpc.Status form.

Domain code raises these; the server pipeline turns them into a status with
exactly one google.rpc.ErrorInfo (and RetryInfo / BadRequest where they apply).
Modelled on googleapis python-api-core's exceptions.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from registry.errors import (
    ConsulRejected,
    ConsulTokenError,
    ConsulUnavailable,
    DiscoveryConfigError,
    DiscoveryError,
)

# Caps on what an error carries, so that a status never echoes unbounded input and stays
# far below gRPC's 8 KiB metadata limit (message and details travel as trailers).
MAX_MESSAGE_CHARS = 512
MAX_METADATA_CHARS = 128
MAX_VIOLATIONS = 20


def elide(text: str, limit: int) -> str:
    """`text`, or its first characters and how many were left out when it is longer."""
    if len(text) <= limit:
        return text
    keep = max(0, limit - 24)
    return f"{text[:keep]}… ({len(text) - keep} more)"


@dataclass(frozen=True)
class FieldViolation:
    """A field of a request and what is wrong with it (google.rpc.BadRequest.FieldViolation)."""

    field: str
    description: str


class TripmeshError(Exception):
    """Base of every typed error. Subclasses fix the gRPC code.

    `field` names the one bad field; `violations` lists several at once (every field
    a request's bounds refuse). Message and metadata values are capped by `elide`.
    """

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        metadata: Mapping[str, str] | None = None,
        field: str | None = None,
        retry_after: float | None = None,
        domain: str | None = None,
        violations: Sequence[FieldViolation] = (),
    ) -> None:
        message = elide(message, MAX_MESSAGE_CHARS)
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.metadata = {k: elide(v, MAX_METADATA_CHARS) for k, v in (metadata or {}).items()}
        self.field = field if field is None else elide(field, MAX_METADATA_CHARS)
        self.retry_after = retry_after
        self.domain = domain  # None: the service that raised it
        self.violations = [
            FieldViolation(elide(v.field, MAX_METADATA_CHARS), elide(v.description, 200))
            for v in violations[:MAX_VIOLATIONS]
        ]
        if self.field is None and self.violations:
            self.field = self.violations[0].field
        if self.field is not None:
            self.metadata.setdefault("field", self.field)

    def to_status(self, default_domain: str) -> status_pb2.Status:
        """The google.rpc.Status of this error, with one ErrorInfo."""
        details: list[Message] = [
            error_details_pb2.ErrorInfo(
                reason=self.reason, domain=self.domain or default_domain, metadata=self.metadata
            )
        ]
        violations = self.violations or (
            [FieldViolation(self.field, self.message)] if self.field is not None else []
        )
        if violations:
            details.append(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(
                            field=v.field, description=v.description
                        )
                        for v in violations
                    ]
                )
            )
        if self.retry_after is not None:
            delay = duration_pb2.Duration()
            delay.FromMilliseconds(int(self.retry_after * 1000))
            details.append(error_details_pb2.RetryInfo(retry_delay=delay))
        return make_status(self.code, self.message, details)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, reason={self.reason!r})"


class Cancelled(TripmeshError):
    code = grpc.StatusCode.CANCELLED


class InvalidArgument(TripmeshError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceeded(TripmeshError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFound(TripmeshError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(TripmeshError):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(TripmeshError):
    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(TripmeshError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(TripmeshError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(TripmeshError):
    code = grpc.StatusCode.ABORTED


class Unimplemented(TripmeshError):
    code = grpc.StatusCode.UNIMPLEMENTED


class Internal(TripmeshError):
    code = grpc.StatusCode.INTERNAL


class Unavailable(TripmeshError):
    code = grpc.StatusCode.UNAVAILABLE


class Unauthenticated(TripmeshError):
    code = grpc.StatusCode.UNAUTHENTICATED


_DISCOVERY_CODES: dict[type[DiscoveryError], type[TripmeshError]] = {
    DiscoveryConfigError: InvalidArgument,
    ConsulTokenError: PermissionDenied,
    ConsulRejected: FailedPrecondition,
    ConsulUnavailable: Unavailable,
}


def from_discovery_error(exc: DiscoveryError) -> TripmeshError:
    """The typed error of a discovery failure (discovery itself knows no gRPC codes)."""
    error_class = next(
        (mapped for kind, mapped in _DISCOVERY_CODES.items() if isinstance(exc, kind)), Internal
    )
    return error_class(exc.message, reason=exc.reason, metadata=exc.metadata, field=exc.field)


def make_status(
    code: grpc.StatusCode, message: str, details: Sequence[Message]
) -> status_pb2.Status:
    """A google.rpc.Status with the given detail messages packed as Any."""
    packed = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)
        packed.append(item)
    return status_pb2.Status(code=code.value[0], message=message, details=packed)


def to_grpc_status(status: status_pb2.Status) -> grpc.Status:
    """The grpc.Status (code, details, trailing metadata) carrying `status`."""
    result: grpc.Status = rpc_status.to_status(status)
    return result


def status_from_rpc_error(error: grpc.RpcError) -> status_pb2.Status:
    """The google.rpc.Status an RpcError carries (built from its code when it has none)."""
    status: status_pb2.Status | None = rpc_status.from_call(error)
    if status is not None:
        return status
    code: grpc.StatusCode = error.code()
    message: str = error.details() or ""
    return status_pb2.Status(code=code.value[0], message=message)


def error_info(status: status_pb2.Status) -> error_details_pb2.ErrorInfo | None:
    """The ErrorInfo of a status, if it has one."""
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    return None


def code_name(code_value: int) -> str:
    """ "INVALID_ARGUMENT" for 3."""
    return str(code_pb2.Code.Name(code_value))
