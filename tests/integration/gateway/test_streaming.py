"""Server streams through the gateway: SSE and NDJSON framing, errors, disconnects."""

import asyncio
import json
from typing import Any

import httpx

from tests.integration.gateway.support import Probe
from tests.integration.gateway.test_transcoding import assert_status

SSE = {"accept": "text/event-stream"}


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event type, data) of each SSE event."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


async def test_sse_sends_each_message_in_order(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/v1/trips:stream", json={"destination": "Lisbon"}, headers=SSE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    events = sse_events(response.text)
    assert [e[0] for e in events] == ["message"] * 3
    assert [e[1]["stage"] for e in events] == [
        "PLAN_STAGE_VALIDATED",
        "PLAN_STAGE_ITINERARY_DRAFTED",
        "PLAN_STAGE_BUDGET_ESTIMATED",
    ]
    assert events[0][1]["trip"]["name"] == "trips/probe"


async def test_ndjson_by_default(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/v1/trips:stream", json={"destination": "Lisbon"})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [list(line) for line in lines] == [["result"]] * 3
    assert [line["result"]["message"] for line in lines] == ["step 1", "step 2", "step 3"]


async def test_error_mid_stream_is_the_last_event(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/v1/trips:stream", json={"destination": "fail"}, headers=SSE)
    assert response.status_code == 200  # the stream had started
    events = sse_events(response.text)
    assert [e[0] for e in events] == ["message"] * 3 + ["error"]
    status = events[-1][1]
    assert status["code"] == 14
    assert status["details"][0]["reason"] == "UPSTREAM_DOWN"

    response = await gateway.post("/v1/trips:stream", json={"destination": "fail"})
    last = json.loads(response.text.splitlines()[-1])
    assert last["error"]["code"] == 14


async def test_error_before_the_first_message_is_a_plain_error(
    gateway: httpx.AsyncClient,
) -> None:
    response = await gateway.post(
        "/v1/trips:stream", json={"destination": "early-fail"}, headers=SSE
    )
    assert_status(response, 400, 3, "UNKNOWN_DESTINATION")


async def test_disconnect_cancels_the_stream_upstream(
    gateway: httpx.AsyncClient, probe: tuple[Probe, int]
) -> None:
    async with gateway.stream(
        "POST", "/v1/trips:stream", json={"destination": "slow"}, headers=SSE
    ) as response:
        async for chunk in response.aiter_text():
            assert chunk.startswith("data: ")
            break  # one event, then the client goes away
    await asyncio.wait_for(probe[0].cancelled.wait(), 5)
