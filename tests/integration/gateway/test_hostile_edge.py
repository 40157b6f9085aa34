"""The edge under hostile or careless clients: CORS on errors too, 415 for what is not JSON,
Retry-After on every retryable 429 and 503, and an audit line per request."""

import json
import stat
from pathlib import Path

import httpx

from tests.integration.gateway.support import Probe, endpoints, running_gateway
from tests.integration.gateway.test_transcoding import assert_status

ORIGIN = "https://app.example"
PLAN = b'{"destination": "Lisbon", "days": 2}'


def _readable_by_the_page(response: httpx.Response) -> None:
    """A browser hands the page the response, its error body and its Retry-After."""
    assert response.headers["access-control-allow-origin"] == ORIGIN
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed
    assert "x-request-id" in exposed


async def test_cors_headers_on_every_error(probe: tuple[Probe, int]) -> None:
    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]),
        api_keys="k",
        rate_limit=1,
        cors_origins=ORIGIN,
    ) as client:
        missing = await client.get("/v1/trips", headers={"origin": ORIGIN})
        assert_status(missing, 401, 16, "API_KEY_MISSING")
        _readable_by_the_page(missing)

        wrong = await client.get("/v1/trips", headers={"origin": ORIGIN, "x-api-key": "no"})
        assert_status(wrong, 403, 7, "API_KEY_INVALID")
        _readable_by_the_page(wrong)

        as_k = {"origin": ORIGIN, "x-api-key": "k"}
        assert (await client.get("/v1/trips", headers=as_k)).status_code == 200
        limited = await client.get("/v1/trips", headers=as_k)
        assert_status(limited, 429, 8, "RATE_LIMITED")
        _readable_by_the_page(limited)
        assert int(limited.headers["retry-after"]) >= 1


async def test_cors_headers_on_a_404(probe: tuple[Probe, int]) -> None:
    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]), cors_origins=ORIGIN
    ) as client:
        missing = await client.get("/v1/trips/unknown", headers={"origin": ORIGIN})
        assert_status(missing, 404, 5, "TRIP_NOT_FOUND")
        _readable_by_the_page(missing)


async def test_a_body_that_is_not_json_is_415(probe: tuple[Probe, int]) -> None:
    async with running_gateway(endpoints=endpoints(orchestrator=probe[1])) as client:
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "text/json"):
            refused = await client.post(
                "/v1/trips:plan", content=PLAN, headers={"content-type": content_type}
            )
            assert_status(refused, 415, 3, "UNSUPPORTED_MEDIA_TYPE")
        assert probe[0].requests == []  # refused before any call
        for content_type in ("application/json", "application/json; charset=utf-8"):
            taken = await client.post(
                "/v1/trips:plan", content=PLAN, headers={"content-type": content_type}
            )
            assert taken.status_code == 200, taken.text


async def test_an_upstream_down_is_503_with_retry_after(probe: tuple[Probe, int]) -> None:
    async with running_gateway(endpoints=endpoints(orchestrator=probe[1])) as client:
        down = await client.get("/v1/tools")  # the tool registry is not running
        assert down.status_code == 503, down.text
        assert int(down.headers["retry-after"]) >= 1


async def test_the_audit_log_has_a_line_per_request_and_never_the_key(
    probe: tuple[Probe, int], tmp_path: Path
) -> None:
    secret = "s3cret-key-value"
    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]), api_keys=secret, data_dir=tmp_path
    ) as client:
        assert (await client.get("/v1/trips")).status_code == 401
        ok = await client.get("/v1/trips", headers={"x-api-key": secret, "x-request-id": "r-1"})
        assert ok.status_code == 200
        assert (await client.get("/healthz")).status_code == 200  # not audited
    audit = tmp_path / "audit.log"
    text = audit.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["status"], line["route"]) for line in lines] == [
        (401, "/v1/trips"),
        (200, "/v1/trips"),
    ]
    assert lines[0]["key"] is None
    assert lines[1]["key"].startswith("key-")
    assert lines[1]["request_id"] == "r-1"
    assert lines[1]["duration_ms"] >= 0
    assert secret not in text
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
