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
    codes = Counter(r.status_code for r in responses)
    assert set(codes) == {200, 503}
    assert codes[200] <= 2
    refused = next(r for r in responses if r.status_code == 503)
    assert_status(refused, 503, 8, "OVERLOADED")
    assert int(refused.headers["retry-after"]) >= 1


async def test_an_overloaded_upstream_is_429_with_retry_after() -> None:
    async with (
        running_server(tool_registry_server, fault_delay_ms=300, **LIMIT_OF_TWO) as (_s, port),
        running_gateway(endpoints=endpoints(tool_registry=port)) as client,
    ):
        responses = await asyncio.gather(*(client.get("/v1/tools") for _ in range(6)))
    codes = Counter(r.status_code for r in responses)
    assert set(codes) == {200, 429}
    assert codes[200] <= 2  # the gateway's own calls (tools for /mcp) may hold a slot too
    refused = next(r for r in responses if r.status_code == 429)
    assert_status(refused, 429, 8, "OVERLOADED")
    assert int(refused.headers["retry-after"]) >= 1


async def test_beyond_the_gateways_limit_requests_are_refused_not_queued() -> None:
    """The edge never queues for a slot, whatever the services' own wait: while two slow
    calls hold its two slots, the others are answered 503 with Retry-After, and the two
    complete."""
    services_wait = {**LIMIT_OF_TWO, "overload_max_wait": 30.0}  # the edge must not use it
    async with (
        running_server(tool_registry_server, fault_delay_ms=1500) as (_server, port),
        running_gateway(endpoints=endpoints(tool_registry=port), **services_wait) as client,
    ):
        finished: list[int] = []

        async def call() -> None:
            response = await client.get("/v1/tools")
            if response.status_code == 503:
                assert_status(response, 503, 8, "OVERLOADED")
                assert int(response.headers["retry-after"]) >= 1
            finished.append(response.status_code)

        await asyncio.gather(*(call() for _ in range(4)))  # two queued would be admitted
    assert set(finished) == {200, 503}
    assert finished.count(200) >= 2  # both admitted calls completed
    first_done = finished.index(200)
    assert 503 not in finished[first_done:]  # every refusal came while the slots were held
