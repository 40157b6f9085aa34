"""API keys, rate limits and CORS in front of a real upstream."""

from pathlib import Path

import httpx

from tests.integration.gateway.support import Probe, endpoints, running_gateway
from tests.integration.gateway.test_transcoding import assert_status


async def test_api_keys_guard_every_v1_route(probe: tuple[Probe, int], tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    key_file.write_text("# operators\nfile-key\n\n")
    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]), api_keys="env-key", api_key_file=key_file
    ) as client:
        missing = await client.get("/v1/trips")
        assert_status(missing, 401, 16, "API_KEY_MISSING")
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert_status(await client.get("/v1/nothing"), 401, 16, "API_KEY_MISSING")
        wrong = await client.get("/v1/trips", headers={"authorization": "Bearer nope"})
        assert_status(wrong, 403, 7, "API_KEY_INVALID")

        bearer = await client.get("/v1/trips", headers={"authorization": "Bearer env-key"})
        assert bearer.status_code == 200
        header = await client.get("/v1/trips", headers={"x-api-key": "file-key"})
        assert header.status_code == 200
        assert len(probe[0].requests) == 2  # only the two with a valid key got through

        for open_path in ("/healthz", "/metrics", "/openapi.json", "/docs"):
            assert (await client.get(open_path)).status_code == 200, open_path


async def test_rate_limit_per_key_with_retry_after(probe: tuple[Probe, int]) -> None:
    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]), api_keys="a,b", rate_limit=2
    ) as client:
        as_a = {"x-api-key": "a"}
        assert (await client.get("/v1/trips", headers=as_a)).status_code == 200
        assert (await client.get("/v1/trips", headers=as_a)).status_code == 200
        limited = await client.get("/v1/trips", headers=as_a)
        assert_status(limited, 429, 8, "RATE_LIMITED")
        assert int(limited.headers["retry-after"]) >= 1
        # Another key has its own bucket; health stays unlimited.
        assert (await client.get("/v1/trips", headers={"x-api-key": "b"})).status_code == 200
        assert (await client.get("/healthz")).status_code == 200


async def test_rate_limit_per_client_ip_without_keys(probe: tuple[Probe, int]) -> None:
    async with running_gateway(endpoints=endpoints(orchestrator=probe[1]), rate_limit=1) as client:
        assert (await client.get("/v1/trips")).status_code == 200
        assert_status(await client.get("/v1/trips"), 429, 8, "RATE_LIMITED")


async def test_cors_allows_only_listed_origins(probe: tuple[Probe, int]) -> None:
    preflight = {
        "origin": "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-api-key",
    }
    async with running_gateway(endpoints=endpoints(orchestrator=probe[1])) as client:
        response = await client.get("/v1/trips", headers={"origin": "https://app.example"})
        assert "access-control-allow-origin" not in response.headers  # nothing by default

    async with running_gateway(
        endpoints=endpoints(orchestrator=probe[1]),
        cors_origins="https://app.example",
        api_keys="k",
    ) as client:
        allowed = await client.options("/v1/trips:plan", headers=preflight)
        assert allowed.status_code == 200  # a preflight needs no key
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-api-key" in allowed.headers["access-control-allow-headers"].lower()

        simple = await client.get(
            "/v1/trips", headers={"origin": "https://app.example", "x-api-key": "k"}
        )
        assert simple.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()

        other = await client.options(
            "/v1/trips:plan", headers={**preflight, "origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


async def test_client_timeout_becomes_the_grpc_deadline(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    slow = {"destination": "slow"}
    response = await gateway.post("/v1/trips:plan", json=slow, headers={"grpc-timeout": "200m"})
    body = assert_status(response, 504, 4, "DEADLINE_EXCEEDED")
    assert body["details"][0]["domain"] == "tripmesh-gateway"
    response = await gateway.post("/v1/trips:plan", json=slow, headers={"x-request-timeout": "0.2"})
    assert_status(response, 504, 4, "DEADLINE_EXCEEDED")
    # The upstream saw the deadline: grpc-timeout metadata is not visible, but the call ended.
    assert probe[0].cancelled.is_set()
