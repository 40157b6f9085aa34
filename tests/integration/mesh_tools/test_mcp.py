"""The mesh's tools through the official MCP client: over Streamable HTTP at the gateway's
/mcp (behind its API keys and Origin check) and over stdio from `tripmesh mcp`."""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import httpx2
import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.integration.mesh_tools.conftest import (
    API_KEY,
    LISBON,
    SIX_TOOLS,
    ToolsMesh,
    all_provided,
    eventually,
)
from tests.support.processes import ROOT, ServiceProcess

SEVEN_TOOLS = sorted([*(name.removeprefix("tools/") for name in SIX_TOOLS), "plan_trip"])


def mcp_url(gateway: ServiceProcess) -> str:
    return f"http://{gateway.address}/mcp"


@asynccontextmanager
async def http_client(gateway: ServiceProcess, **options: Any) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        Client(streamable_http_client(mcp_url(gateway), http_client=http), **options) as client,
    ):
        yield client


async def test_lists_the_six_tools_and_plan_trip_with_their_schemas(
    gateway: ServiceProcess,
) -> None:
    async with http_client(gateway) as client:
        assert client.server_capabilities.tools is not None
        assert client.server_capabilities.tools.list_changed
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert sorted(tools) == SEVEN_TOOLS
    convert = tools["currency.convert"]
    assert {"amount", "from", "to"} <= set(convert.input_schema["properties"])
    assert convert.output_schema is not None
    assert "amount" in convert.output_schema["properties"]
    assert convert.annotations is not None
    assert convert.annotations.read_only_hint
    plan = tools["plan_trip"]
    assert "destination" in plan.input_schema["properties"]
    assert plan.output_schema is not None
    assert "itinerary" in plan.output_schema["properties"]


def routed_calls(mesh: ToolsMesh, tool: str, code: str) -> float:
    """The task router's calls of `tool` that ended with `code`, from its metrics."""
    total = 0.0
    for line in mesh.metrics("task-router").splitlines():
        if line.startswith("tripmesh_router_calls_total{") and all(
            label in line for label in (f'tool="tools/{tool}"', f'code="{code}"')
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_calls_currency_convert_and_plan_trip(
    gateway: ServiceProcess, tools_mesh: ToolsMesh
) -> None:
    routed_before = routed_calls(tools_mesh, "currency.convert", "OK")
    async with http_client(gateway) as client:
        converted = await client.call_tool(
            "currency.convert", {"amount": 100, "from": "EUR", "to": "USD"}
        )
        # The call went through the task router, which counted it.
        assert routed_calls(tools_mesh, "currency.convert", "OK") == routed_before + 1
        planned = await client.call_tool("plan_trip", LISBON)
    assert not converted.is_error
    assert converted.structured_content["currency"] == "USD"
    assert converted.structured_content["amount"] > 0
    assert not planned.is_error, planned.content
    trip = planned.structured_content
    assert trip["name"].startswith("trips/")
    assert len(trip["itinerary"]["days"]) == 2
    assert trip["estimate"]["total"]["currencyCode"] == "EUR"


async def test_a_bad_argument_is_a_tool_error_naming_the_field(gateway: ServiceProcess) -> None:
    async with http_client(gateway) as client:
        result = await client.call_tool(
            "currency.convert", {"amount": "lots", "from": "EUR", "to": "USD"}
        )
        bad_plan = await client.call_tool("plan_trip", {**LISBON, "days": "many"})
    assert result.is_error
    text = result.content[0]
    assert isinstance(text, types.TextContent)
    assert text.text.startswith("INVALID_ARGUMENT")
    assert "amount" in text.text
    assert bad_plan.is_error
    assert "days" in bad_plan.content[0].text  # type: ignore[union-attr]


async def test_a_leaving_provider_changes_the_list_and_clients_are_notified(
    gateway: ServiceProcess, tools_mesh: ToolsMesh
) -> None:
    handshake_notified = anyio.Event()

    async def on_message(message: object) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            handshake_notified.set()

    try:
        async with (
            http_client(gateway) as modern,
            http_client(gateway, mode="legacy", message_handler=on_message) as handshake,
            modern.listen(tools_list_changed=True) as events,
        ):
            await handshake.list_tools()
            tools_mesh.members["guide"].stop()  # drains: its tools are deregistered
            with anyio.fail_after(20):
                event = await anext(aiter(events))
                await handshake_notified.wait()
            assert type(event).__name__ == "ToolsListChanged"
            names = [t.name for t in (await modern.list_tools()).tools]
        assert "guide.season" not in names
        assert "currency.convert" in names
    finally:
        tools_mesh.start("guide").wait_serving()
        eventually(lambda: all_provided(tools_mesh), timeout=60)


def test_api_key_and_origin_are_checked(gateway: ServiceProcess) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    no_key = httpx.post(mcp_url(gateway), json=ping)
    foreign = httpx.post(
        mcp_url(gateway),
        json=ping,
        headers={"Authorization": f"Bearer {API_KEY}", "Origin": "http://attacker.example"},
    )
    assert no_key.status_code == 401
    assert foreign.status_code == 403
    assert foreign.json()["details"][0]["reason"] == "ORIGIN_NOT_ALLOWED"


async def test_tripmesh_mcp_serves_the_same_tools_over_stdio(tools_mesh: ToolsMesh) -> None:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "services.cli", "mcp"],
        env=tools_mesh.env,
        cwd=ROOT,
    )
    async with Client(server) as client:
        names = sorted(t.name for t in (await client.list_tools()).tools)
        result = await client.call_tool("geo.distance", {"from": "Lisbon", "to": "Porto"})
    assert names == SEVEN_TOOLS
    assert not result.is_error, result.content
