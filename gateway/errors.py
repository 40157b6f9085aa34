"""Errors at the edge: every one is a google.rpc.Status, sent as JSON with its HTTP status.

Errors the gateway finds itself (bad JSON, unknown route, body too large, auth,
rate limit) carry one ErrorInfo with domain "tripmesh-gateway"; upstream errors
pass on with the details of their grpc-status-details-bin trailer.
"""

import base64
import math
from collections.abc import Mapping
from functools import lru_cache

import grpc
import orjson
from google.protobuf import any_pb2, json_format
from google.rpc import error_details_pb2, status_pb2

from gateway.status import http_status
from services.runtime import errors

DOMAIN = "tripmesh-gateway"
JSON_TYPE = b"application/json"
DEFAULT_RETRY_AFTER = 1  # seconds, for a 429 or 503 whose status has no RetryInfo


class HttpError(Exception):
    """A Status to answer with; `http` overrides the status the code maps to (413, 405)."""

    def __init__(
        self,
        status: status_pb2.Status,
        http: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status.message)
        self.status = status
        self.http = http if http is not None else http_status(status.code)
        self.headers = dict(headers or {})
        if (delay := retry_after(status)) is not None:
            self.headers.setdefault("retry-after", str(delay))
        elif self.http in (429, 503):  # retryable: always say when, even if upstream did not
            self.headers.setdefault("retry-after", str(DEFAULT_RETRY_AFTER))


def gateway_error(
    error_class: type[errors.TripmeshError],
    message: str,
    *,
    reason: str,
    http: int | None = None,
    headers: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    field: str | None = None,
    retry_after: float | None = None,
) -> HttpError:
    """An error the gateway answers itself, with an ErrorInfo of domain "tripmesh-gateway"."""
    error = error_class(
        message, reason=reason, metadata=metadata, field=field, retry_after=retry_after
    )
    return HttpError(error.to_status(DOMAIN), http, headers)


def from_rpc_error(error: grpc.aio.AioRpcError, method: str, upstream: str) -> HttpError:
    """The HttpError of a failed upstream call, keeping the upstream's details.

    A status without an ErrorInfo (a deadline passed, a connection refused) gets
    one from the gateway, so that every error names its reason.
    """
    try:
        status = errors.status_from_rpc_error(error)
    except ValueError:  # trailer and code disagree: trust the code
        status = status_pb2.Status(code=error.code().value[0], message=error.details() or "")
    if errors.error_info(status) is None:
        status = _with_gateway_info(status, method, upstream)
    return HttpError(status)


def _with_gateway_info(status: status_pb2.Status, method: str, upstream: str) -> status_pb2.Status:
    name = errors.code_name(status.code)
    info = error_details_pb2.ErrorInfo(
        reason=name, domain=DOMAIN, metadata={"method": method, "service": upstream}
    )
    result = status_pb2.Status()
    result.CopyFrom(status)
    if not result.message:
        result.message = f"{upstream}: {name}"
    result.details.add().Pack(info)
    if status.code == grpc.StatusCode.UNAVAILABLE.value[0]:
        delay = error_details_pb2.RetryInfo()
        delay.retry_delay.FromSeconds(1)
        result.details.add().Pack(delay)
    return result


def retry_after(status: status_pb2.Status) -> int | None:
    """Seconds of the RetryInfo of a RESOURCE_EXHAUSTED or UNAVAILABLE status (at least 1)."""
    if status.code not in (
        grpc.StatusCode.RESOURCE_EXHAUSTED.value[0],
        grpc.StatusCode.UNAVAILABLE.value[0],
    ):
        return None
    for detail in status.details:
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            milliseconds: int = info.retry_delay.ToMilliseconds()
            return max(1, math.ceil(milliseconds / 1000))
    return None


def status_dict(status: status_pb2.Status) -> dict[str, object]:
    """google.rpc.Status as canonical JSON: {"code", "message", "details": [{"@type", ...}]}."""
    details = []
    for detail in status.details:
        try:
            details.append(dict(_detail_dict(detail.type_url, detail.value)))
        except (TypeError, KeyError):  # a detail type this process does not know
            details.append(
                {"@type": detail.type_url, "value": base64.b64encode(detail.value).decode()}
            )
    return {"code": status.code, "message": status.message, "details": details}


@lru_cache(maxsize=1024)
def _detail_dict(type_url: str, value: bytes) -> dict[str, object]:
    """A packed detail as canonical JSON, remembered: the same few details (an ErrorInfo with
    its reason, a RetryInfo) come again and again, and json_format finds the type of an Any
    in the descriptor pool each time, the largest part of an error response's cost. Only
    read from: status_dict copies it."""
    detail = any_pb2.Any(type_url=type_url, value=value)
    found: dict[str, object] = json_format.MessageToDict(detail)
    return found


def status_json(status: status_pb2.Status, envelope: bool = False) -> bytes:
    """The Status as JSON; with `envelope`, as AIP-193 writes it: {"error": {"code": HTTP
    status, "status": "NOT_FOUND", "message", "details"}}."""
    body: dict[str, object] = status_dict(status)
    if envelope:
        body = {
            "error": {
                **body,
                "code": http_status(status.code),
                "status": errors.code_name(status.code),
            }
        }
    return orjson.dumps(body)  # compact UTF-8, as json.dumps(ensure_ascii=False) would give
