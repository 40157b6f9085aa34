"""The MCP edge's pure parts: Origin check, registry tool to MCP tool, errors as tool errors."""

import grpc
import jsonschema
from google.protobuf import json_format
from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from gateway.mcp.calls import tool_error
from gateway.mcp.catalog import fingerprint, mcp_tool
from gateway.mcp.http import origin_allowed
from gateway.mcp.plan_tool import plan_trip_tool
from services.runtime.errors import InvalidArgument


def test_origins_from_the_allow_list_and_loopback_pass_others_do_not() -> None:
    allowed = ["https://app.example"]
    assert origin_allowed("https://app.example", allowed)
    assert origin_allowed("http://localhost:5173", allowed)
    assert origin_allowed("http://127.0.0.1:8080", allowed)
    assert not origin_allowed("https://evil.example", allowed)
    assert not origin_allowed("https://app.example.evil.example", allowed)
    assert not origin_allowed("null", allowed)


def test_a_registry_tool_keeps_its_schemas_and_loses_its_prefix() -> None:
    tool = registry_pb2.Tool(name="tools/geo.distance", description="km between two cities")
    json_format.ParseDict({"type": "object", "required": ["from"]}, tool.input_schema)
    json_format.ParseDict({"type": "object"}, tool.output_schema)
    listed = mcp_tool(tool)
    assert listed.name == "geo.distance"
    assert listed.input_schema == {"type": "object", "required": ["from"]}
    assert listed.annotations is not None
    assert listed.annotations.read_only_hint
    other = mcp_tool(registry_pb2.Tool(name="tools/geo.distance", description="changed"))
    assert fingerprint([listed]) != fingerprint([other])
    assert fingerprint([listed, other]) == fingerprint([other, listed])


def test_plan_trip_schemas_are_self_contained_json_schemas() -> None:
    tool = plan_trip_tool()
    for schema in (tool.input_schema, tool.output_schema):
        assert schema is not None
        assert schema["type"] == "object"
        jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(tool.input_schema)
    request = {
        "destination": "Lisbon",
        "startDate": "2027-05-01",
        "days": 3,
        "travelers": 2,
        "budget": {"currencyCode": "EUR", "units": "1500"},
        "pace": "PACE_RELAXED",
    }
    assert validator.is_valid(request)
    assert not validator.is_valid({**request, "pace": "FAST"})
    assert not validator.is_valid({"destination": "Lisbon", "days": 3})  # required fields


def test_a_mesh_error_is_a_tool_error_naming_code_and_field() -> None:
    status = InvalidArgument(
        "arguments.amount: 'x' is not of type 'number'", reason="BAD", field="arguments.amount"
    ).to_status("tripmesh-budget")
    result = tool_error(status)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith("INVALID_ARGUMENT: arguments.amount")
    assert text.endswith("(field arguments.amount)")
    assert grpc.StatusCode.INVALID_ARGUMENT.value[0] == status.code
