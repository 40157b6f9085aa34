"""Every retryable answer says when to retry: a 429 or 503 always carries Retry-After, and an
upstream's UNAVAILABLE passed on by a service (UPSTREAM_UNAVAILABLE) carries RetryInfo."""

import grpc
import pytest

from gateway.errors import HttpError
from services.runtime import errors
from services.runtime.interceptors import ErrorStatuses


@pytest.mark.parametrize("error_class", [errors.Unavailable, errors.ResourceExhausted])
def test_a_retryable_status_without_retry_info_still_has_retry_after(
    error_class: type[errors.TripmeshError],
) -> None:
    status = error_class("busy", reason="BUSY").to_status("tripmesh-orchestrator")
    answer = HttpError(status)
    assert answer.http in (429, 503)
    assert int(answer.headers["retry-after"]) >= 1


def test_a_status_that_is_not_retryable_has_no_retry_after() -> None:
    status = errors.InvalidArgument("no", reason="BAD").to_status("tripmesh-orchestrator")
    assert "retry-after" not in HttpError(status).headers


def test_an_upstream_unavailable_is_passed_on_with_retry_info() -> None:
    failure = grpc.aio.AioRpcError(
        grpc.StatusCode.UNAVAILABLE,
        grpc.aio.Metadata(),
        grpc.aio.Metadata(),
        details="connection refused",
    )
    status = ErrorStatuses("tripmesh-orchestrator").of(failure, "/tripmesh.v1.X/Y")
    assert errors.error_info(status).reason == "UPSTREAM_UNAVAILABLE"  # type: ignore[union-attr]
    answer = HttpError(status)
    assert answer.http == 503
    assert answer.headers["retry-after"] == "1"
    assert any(d.Is(errors.error_details_pb2.RetryInfo.DESCRIPTOR) for d in status.details)
