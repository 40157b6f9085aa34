"""HTTP → gRPC → HTTP through a real upstream: fields, headers, and every error's body."""

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from services.runtime.logs import JsonFormatter
from tests.integration.gateway.support import Probe

PLAN = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 4,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": 2000},
    "interests": ["food", "history"],
}
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def assert_status(response: httpx.Response, http: int, code: int, reason: str) -> dict[str, Any]:
    """The body is a google.rpc.Status with an ErrorInfo of `reason`."""
    assert response.status_code == http, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    infos = [d for d in body["details"] if d["@type"].endswith("google.rpc.ErrorInfo")]
    assert len(infos) == 1, body
    assert infos[0]["reason"] == reason
    return body


async def test_body_both_casings_and_canonical_json_out(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    snake = {"destination": "Porto", "start_date": "2027-06-01", "pace": "PACE_PACKED"}
    response = await gateway.post("/v1/trips:plan", json=snake)
    assert response.status_code == 200, response.text
    trip = response.json()
    assert trip["request"]["startDate"] == "2027-06-01"
    assert trip["request"]["pace"] == "PACE_PACKED"
    # Fields without presence are printed: zeros and empty lists, never missing keys.
    assert trip["request"]["days"] == 0
    assert trip["request"]["interests"] == []
    assert trip["warnings"] == []

    response = await gateway.post("/v1/trips:plan", json=PLAN)
    request = response.json()["request"]
    assert request["budget"] == {"currencyCode": "EUR", "units": "2000", "nanos": 0}
    assert probe[0].requests[-1].budget.units == 2000


async def test_path_variables_and_query_parameters(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    response = await gateway.get("/v1/trips/known")
    assert response.status_code == 200
    assert response.json()["name"] == "trips/known"
    assert probe[0].requests[-1].name == "trips/known"

    response = await gateway.get("/v1/trips", params={"pageSize": "7", "page_token": "abc"})
    assert response.json() == {"trips": [], "nextPageToken": "7/abc"}


async def test_request_id_round_trip(gateway: httpx.AsyncClient, probe: tuple[Probe, int]) -> None:
    response = await gateway.get("/v1/trips", headers={"X-Request-Id": "req-123"})
    assert response.headers["x-request-id"] == "req-123"
    assert probe[0].metadata[-1]["x-request-id"] == "req-123"

    response = await gateway.get("/v1/trips")
    generated = response.headers["x-request-id"]
    assert len(generated) == 32
    assert probe[0].metadata[-1]["x-request-id"] == generated
    # Errors the gateway answers itself carry one too.
    assert (await gateway.get("/nowhere")).headers["x-request-id"]


async def test_trace_context_travels_and_credentials_do_not(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    headers = {
        "traceparent": TRACEPARENT,
        "tracestate": "congo=t61rcWkgMzE",
        "authorization": "Bearer secret",
        "x-api-key": "secret",
        "cookie": "a=b",
        "x-custom": "not forwarded by default",
    }
    assert (await gateway.get("/v1/trips", headers=headers)).status_code == 200
    metadata = probe[0].metadata[-1]
    assert metadata["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]  # same trace
    assert metadata["tracestate"] == "congo=t61rcWkgMzE"
    for name in ("authorization", "x-api-key", "cookie", "x-custom"):
        assert name not in metadata


async def test_gateway_answers_bad_requests_itself(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    malformed = await gateway.post("/v1/trips:plan", content=b'{"destination":')
    assert_status(malformed, 400, 3, "MALFORMED_JSON")
    wrong_type = await gateway.post("/v1/trips:plan", json={"days": "four"})
    assert_status(wrong_type, 400, 3, "INVALID_FIELD_VALUE")
    unknown = await gateway.post("/v1/trips:plan", json={"dayz": 4})
    assert_status(unknown, 400, 3, "UNKNOWN_FIELD")
    not_object = await gateway.post("/v1/trips:plan", json=[1, 2])
    assert_status(not_object, 400, 3, "INVALID_BODY")
    bad_query = await gateway.get("/v1/trips", params={"pageSize": "many"})
    assert_status(bad_query, 400, 3, "INVALID_FIELD_VALUE")
    unknown_query = await gateway.get("/v1/trips", params={"color": "red"})
    assert_status(unknown_query, 400, 3, "INVALID_QUERY_PARAMETER")
    bad_timeout = await gateway.get("/v1/trips", headers={"grpc-timeout": "soon"})
    assert_status(bad_timeout, 400, 3, "INVALID_TIMEOUT")
    assert probe[0].requests == []  # none of them reached the upstream


async def test_unknown_route_and_method(gateway: httpx.AsyncClient) -> None:
    body = assert_status(await gateway.get("/v1/nothing/here"), 404, 5, "ROUTE_NOT_FOUND")
    assert body["details"][0]["domain"] == "tripmesh-gateway"
    wrong_method = await gateway.delete("/v1/trips:plan")
    assert_status(wrong_method, 405, 12, "METHOD_NOT_ALLOWED")
    assert wrong_method.headers["allow"] == "POST"


async def test_upstream_errors_keep_their_details(gateway: httpx.AsyncClient) -> None:
    body = assert_status(await gateway.get("/v1/trips/nope"), 404, 5, "TRIP_NOT_FOUND")
    assert body["details"][0]["domain"] == "tripmesh-orchestrator"

    busy = await gateway.post("/v1/trips:plan", json={"destination": "busy"})
    assert_status(busy, 429, 8, "BUSY")
    assert busy.headers["retry-after"] == "3"

    crash = await gateway.post("/v1/trips:plan", json={"destination": "crash"})
    body = assert_status(crash, 500, 13, "INTERNAL")
    assert "a bug" not in body["message"]


async def test_body_over_the_limit_is_413() -> None:
    from tests.integration.gateway.support import endpoints, running_gateway

    async with running_gateway(endpoints=endpoints(), max_body_bytes=1000) as client:
        declared = await client.post("/v1/trips:plan", content=b" " * 1001)
        assert_status(declared, 413, 8, "BODY_TOO_LARGE")

        async def chunks() -> Any:  # no Content-Length: counted as it arrives
            for _ in range(5):
                yield b" " * 300

        streamed = await client.post("/v1/trips:plan", content=chunks())
        assert_status(streamed, 413, 8, "BODY_TOO_LARGE")


async def test_upstream_down_is_503_with_retry_after(gateway: httpx.AsyncClient) -> None:
    # The gateway routes ToolRegistryService to a port nobody listens on.
    response = await gateway.get("/v1/tools")
    body = assert_status(response, 503, 14, "UNAVAILABLE")
    assert body["details"][0]["metadata"]["service"] == "tripmesh-tool-registry"
    assert response.headers["retry-after"] == "1"


async def test_client_disconnect_cancels_the_call(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    with pytest.raises(httpx.ReadTimeout):
        await gateway.post("/v1/trips:plan", json={"destination": "slow"}, timeout=0.5)
    await asyncio.wait_for(probe[0].cancelled.wait(), 5)


async def test_access_log_names_route_request_and_trace(gateway: httpx.AsyncClient) -> None:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("gateway.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        headers = {"x-request-id": "log-me", "traceparent": TRACEPARENT}
        await gateway.get("/v1/trips/known", headers=headers)
    finally:
        access.removeHandler(handler)
    entry = json.loads(lines[-1])
    assert entry["correlation_id"] == "log-me"
    assert entry["route"] == "/v1/{name=trips/*}"  # the template, not the path
    assert entry["status"] == 200
    assert entry["http_method"] == "GET"
    assert "duration_ms" in entry
    assert entry["trace_id"] == TRACEPARENT.split("-")[1]  # the caller's trace
