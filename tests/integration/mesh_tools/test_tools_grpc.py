"""The six tools over gRPC and grpcurl: listed with schemas, invoked through the router."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from services.runtime.errors import error_info, status_from_rpc_error
from tests.integration.mesh_tools.conftest import SIX_TOOLS, ToolsMesh

GRPCURL = shutil.which("grpcurl") or str(Path(__file__).parents[3] / ".venv/bin/grpcurl")

CALLS: dict[str, tuple[dict[str, Any], str]] = {  # tool -> (arguments, a key of its result)
    "geo.lookup_city": ({"name": "Kyoto"}, "time_zone"),
    "geo.distance": ({"from": "Paris", "to": "Berlin"}, "distance_km"),
    "currency.convert": ({"amount": 250, "from": "EUR", "to": "JPY"}, "rate_date"),
    "cost.daily_estimate": ({"country": "Japan", "style": "comfort"}, "lodging_per_room"),
    "guide.season": ({"place": "Buenos Aires", "month": 7}, "season"),
    "guide.phrases": ({"language": "it", "limit": 3}, "phrases"),
}
PROVIDER = {
    "geo": "tripmesh-planner",
    "currency": "tripmesh-budget",
    "cost": "tripmesh-budget",
    "guide": "tripmesh-guide",
}


def grpcurl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRPCURL, "-plaintext", *args], capture_output=True, text=True, timeout=30, check=False
    )


def test_the_six_tools_are_listed_with_schemas_and_providers(tools_mesh: ToolsMesh) -> None:
    listed = tools_mesh.registry().ListTools(registry_pb2.ListToolsRequest(), timeout=5)
    assert [t.name for t in listed.tools] == SIX_TOOLS
    for tool in listed.tools:
        assert tool.available
        assert tool.version == "1.0.0"
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema["type"] == "object"
        assert {p.service for p in tool.providers} == {
            PROVIDER[tool.name.split("/")[1].split(".")[0]]
        }
    paged = tools_mesh.registry().ListTools(
        registry_pb2.ListToolsRequest(page_size=4, tag="money"), timeout=5
    )
    assert [t.name for t in paged.tools] == ["tools/cost.daily_estimate", "tools/currency.convert"]
    assert paged.next_page_token == ""


@pytest.mark.parametrize("tool", sorted(CALLS))
def test_each_tool_through_the_router(tools_mesh: ToolsMesh, tool: str) -> None:
    arguments, key = CALLS[tool]
    router = tools_mesh.router()
    reply = router.route(tool, arguments)
    assert key in router.result(reply)
    assert reply.provider_service == PROVIDER[tool.split(".")[0]]
    assert reply.attempts == 1


@pytest.mark.parametrize("tool", sorted(CALLS))
def test_each_tool_through_grpcurl(tools_mesh: ToolsMesh, tool: str) -> None:
    arguments, key = CALLS[tool]
    body = json.dumps({"name": f"tools/{tool}", "arguments": arguments})
    done = grpcurl(
        "-d", body, tools_mesh.address("task-router"), "tripmesh.v1.TaskRouterService/RouteTask"
    )
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert key in reply["result"]
    assert reply["provider_service"] == PROVIDER[tool.split(".")[0]]


def test_grpcurl_reaches_an_agents_tool_service_and_the_registry(tools_mesh: ToolsMesh) -> None:
    listed = grpcurl(tools_mesh.address("budget-a"), "list")
    assert "tripmesh.v1.ToolService" in listed.stdout.split()
    invoked = grpcurl(
        "-d",
        json.dumps(
            {
                "name": "tools/currency.convert",
                "arguments": {"amount": 1, "from": "USD", "to": "EUR"},
            }
        ),
        tools_mesh.address("budget-a"),
        "tripmesh.v1.ToolService/InvokeTool",
    )
    assert json.loads(invoked.stdout)["result"]["currency"] == "EUR"
    got = grpcurl(
        "-d",
        '{"name": "tools/guide.season"}',
        tools_mesh.address("tool-registry"),
        "tripmesh.v1.ToolRegistryService/GetTool",
    )
    assert json.loads(got.stdout)["available"] is True


def rpc_failure(call: Any) -> tuple[grpc.StatusCode, error_details_pb2.ErrorInfo, list[str]]:
    with pytest.raises(grpc.RpcError) as failed:
        call()
    status = status_from_rpc_error(failed.value)
    info = error_info(status)
    assert info is not None
    fields = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return failed.value.code(), info, fields  # type: ignore[attr-defined]


def test_invalid_arguments_name_the_failing_path(tools_mesh: ToolsMesh) -> None:
    router = tools_mesh.router()
    code, info, fields = rpc_failure(
        lambda: router.route("guide.season", {"place": "Rome", "month": 14})
    )
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    assert info.reason == "INVALID_TOOL_ARGUMENTS"
    assert info.metadata["path"] == "$.month"
    assert fields == ["arguments.month"]
    done = grpcurl(
        "-d",
        '{"name": "tools/currency.convert", "arguments": {"amount": 3, "from": "EUR"}}',
        tools_mesh.address("task-router"),
        "tripmesh.v1.TaskRouterService/RouteTask",
    )
    assert "InvalidArgument" in done.stderr
    assert "arguments.to" in done.stderr


def test_unknown_tool_is_not_found(tools_mesh: ToolsMesh) -> None:
    code, info, _ = rpc_failure(lambda: tools_mesh.router().route("weather.forecast", {}))
    assert code is grpc.StatusCode.NOT_FOUND
    assert info.reason == "TOOL_NOT_FOUND"
