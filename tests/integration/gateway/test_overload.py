"""Overload over HTTP: the gateway's own limit answers 503, an upstream's 429, both with
Retry-After, while the admitted requests complete."""

import asyncio
from collections import Counter

from services.tool_registry.server import create_server as tool_registry_server
from tests.integration.gateway.support import endpoints, running_gateway
from tests.integration.gateway.test_transcoding import assert_status
from tests.support.inprocess import running_server

LIMIT_OF_TWO = {
    "overload_initial_limit": 2,
    "overload_min_limit": 2,
    "overload_max_limit": 2,
    "overload_max_wait": 0.0,
}


async def test_beyond_the_gateways_limit_requests_get_503_with_retry_after() -> None:
    async with (
        running_server(tool_registry_server, fault_delay_ms=300) as (_server, port),
        running_gateway(endpoints=endpoints(tool_registry=port), **LIMIT_OF_TWO) as client,
    ):
        responses = await asyncio.gather(*(client.get("/v1/tools") for _ in range(6)))
    assert Counter(r.status_code for r in responses) == {200: 2, 503: 4}
    refused = next(r for r in responses if r.status_code == 503)
    assert_status(refused, 503, 8, "OVERLOADED")
    assert int(refused.headers["retry-after"]) >= 1


async def test_an_overloaded_upstream_is_429_with_retry_after() -> None:
    async with (
        running_server(tool_registry_server, fault_delay_ms=300, **LIMIT_OF_TWO) as (_s, port),
        running_gateway(endpoints=endpoints(tool_registry=port)) as client,
    ):
        responses = await asyncio.gather(*(client.get("/v1/tools") for _ in range(6)))
    assert Counter(r.status_code for r in responses) == {200: 2, 429: 4}
    refused = next(r for r in responses if r.status_code == 429)
    assert_status(refused, 429, 8, "OVERLOADED")
    assert int(refused.headers["retry-after"]) >= 1
