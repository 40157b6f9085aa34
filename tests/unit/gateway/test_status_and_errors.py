"""The gRPC → HTTP status table, and errors as google.rpc.Status JSON."""

import json

import grpc
import pytest

from gateway.errors import HttpError, gateway_error, retry_after, status_dict
from gateway.status import http_status
from services.runtime import errors

CANONICAL = {
    "OK": 200,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}


@pytest.mark.parametrize(("name", "http"), CANONICAL.items())
def test_every_code_maps_to_its_http_status(name: str, http: int) -> None:
    assert http_status(grpc.StatusCode[name].value[0]) == http


def test_a_code_outside_the_table_is_500() -> None:
    assert http_status(99) == 500


def test_typed_errors_map_through_their_code() -> None:
    for error_class, http in [
        (errors.InvalidArgument, 400),
        (errors.NotFound, 404),
        (errors.Unauthenticated, 401),
        (errors.PermissionDenied, 403),
        (errors.ResourceExhausted, 429),
        (errors.Unavailable, 503),
        (errors.DeadlineExceeded, 504),
        (errors.Unimplemented, 501),
    ]:
        assert HttpError(error_class("x", reason="X").to_status("d")).http == http


def test_status_json_shape_and_retry_after() -> None:
    error = gateway_error(
        errors.ResourceExhausted, "slow down", reason="RATE_LIMITED", retry_after=2.2
    )
    body = status_dict(error.status)
    assert list(body) == ["code", "message", "details"]
    assert body["code"] == 8
    details = body["details"]
    assert isinstance(details, list)
    assert details[0] == {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMITED",
        "domain": "tripmesh-gateway",
    }
    assert details[1]["@type"] == "type.googleapis.com/google.rpc.RetryInfo"
    assert error.headers["retry-after"] == "3"  # rounded up
    json.dumps(body)


def test_retry_after_only_for_exhausted_and_unavailable() -> None:
    with_delay = errors.InvalidArgument("x", reason="X", retry_after=5).to_status("d")
    assert retry_after(with_delay) is None
    assert retry_after(errors.Unavailable("x", reason="X", retry_after=0.1).to_status("d")) == 1
    assert retry_after(errors.Unavailable("x", reason="X").to_status("d")) is None


def test_unknown_detail_types_are_kept_opaque() -> None:
    status = errors.NotFound("x", reason="X").to_status("d")
    status.details.add(type_url="type.googleapis.com/some.Unknown", value=b"\x01")
    details = status_dict(status)["details"]
    assert isinstance(details, list)
    assert details[1] == {"@type": "type.googleapis.com/some.Unknown", "value": "AQ=="}
