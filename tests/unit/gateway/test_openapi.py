"""OpenAPI 3.1 from the descriptors: every annotated RPC, parameters, schemas that hold."""

from typing import Any

import jsonschema
import pytest
from google.protobuf import descriptor_pool, json_format
from openapi_spec_validator import validate
from tripmesh.v1 import orchestrator_service_pb2, trip_pb2

from gateway.openapi import openapi_document, openapi_path
from gateway.rules import load_routes
from gateway.templates import parse_template
from services.guardrails import validation
from services.runtime.bounds_table import BOUNDS
from tests.unit.gateway.test_routes import annotated_methods


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document(load_routes(), version="1.2.3", api_keys=False)


def operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        op["operationId"]: (method, path, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }


def validator(document: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    """Validates against a component, resolving $refs inside the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_every_annotated_rpc_is_an_operation(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    found = {f"/tripmesh.v1.{op_id.replace('_', '/', 1)}" for op_id in operations(document)}
    assert found == annotated_methods()


def test_paths_and_parameters(document: dict[str, Any]) -> None:
    ops = operations(document)
    method, path, get_trip = ops["OrchestratorService_GetTrip"]
    assert (method, path) == ("get", "/v1/trips/{trip}")
    assert [(p["name"], p["in"]) for p in get_trip["parameters"]] == [("trip", "path")]
    assert get_trip["parameters"][0]["schema"]["pattern"] == "^[^/]+$"

    _, path, invoke = ops["TaskRouterService_RouteTask"]
    assert path == "/v1/tools/{tool}:invoke"
    body = invoke["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"arguments", "hints"}  # name comes from the path

    _, _, list_trips = ops["OrchestratorService_ListTrips"]
    assert {p["name"] for p in list_trips["parameters"]} == {"pageSize", "pageToken"}
    assert "requestBody" not in list_trips
    _, _, plan = ops["OrchestratorService_PlanTrip"]
    assert plan["parameters"] == []  # body "*": nothing in the query
    assert plan["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/tripmesh.v1.PlanTripRequest"
    }


def test_open_api_path_of_nested_and_plain_variables() -> None:
    path, parameters = openapi_path(parse_template("/v1/{parent=projects/*/locations/*}/{id}"))
    assert path == "/v1/projects/{project}/locations/{location}/{id}"
    assert [p["name"] for p in parameters] == ["project", "location", "id"]


def test_responses_errors_and_streaming(document: dict[str, Any]) -> None:
    ops = operations(document)
    _, _, plan = ops["OrchestratorService_PlanTrip"]
    for status in ("400", "401", "403", "404", "413", "415", "429", "500", "503", "504", "default"):
        assert plan["responses"][status] == {"$ref": "#/components/responses/Error"}
    assert "415" not in ops["OrchestratorService_ListTrips"][2]["responses"]  # no body
    ok = plan["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/tripmesh.v1.Trip"}
    assert "X-Request-Id" in plan["responses"]["200"]["headers"]

    _, _, stream = ops["OrchestratorService_StreamPlanTrip"]
    content = stream["responses"]["200"]["content"]
    assert set(content) == {"text/event-stream", "application/x-ndjson"}
    line = content["application/x-ndjson"]["schema"]
    assert line["properties"]["result"] == {
        "$ref": "#/components/schemas/tripmesh.v1.StreamPlanTripResponse"
    }
    status = document["components"]["schemas"]["google.rpc.Status"]
    assert status["required"] == ["code", "message", "details"]


def test_well_known_types_and_scalars(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    trip = schemas["tripmesh.v1.Trip"]["properties"]
    assert trip["createTime"] == {
        "type": "string",
        "format": "date-time",
        "description": "When the trip was stored.",
    }
    activity = schemas["tripmesh.v1.Activity"]["properties"]
    assert activity["duration"]["type"] == "string"
    assert activity["cost"]["$ref"] == "#/components/schemas/google.type.Money"
    money = schemas["google.type.Money"]["properties"]
    assert money["units"]["type"] == ["string", "integer"]  # int64 prints as a string
    assert money["nanos"]["format"] == "int32"
    assert schemas["tripmesh.v1.Pace"]["enum"][0] == "PACE_UNSPECIFIED"
    tool = schemas["tripmesh.v1.Tool"]["properties"]
    assert tool["inputSchema"]["type"] == "object"
    assert tool["inputSchema"]["additionalProperties"] is True
    alert = schemas["tripmesh.v1.Alert"]["properties"]
    assert alert["labels"]["additionalProperties"] == {"type": "string"}


def test_schemas_are_valid_and_hold_for_real_messages(document: dict[str, Any]) -> None:
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    trip = trip_pb2.Trip(name="trips/1", revisions=1, warnings=["w"])
    trip.request.MergeFrom(
        trip_pb2.PlanTripRequest(destination="Lisbon", start_date="2027-05-01", days=1, travelers=2)
    )
    trip.request.budget.units = 2000
    trip.request.pace = trip_pb2.PACE_RELAXED
    activity = trip.itinerary.days.add(date="2027-05-01").activities.add(title="Tram")
    activity.duration.FromSeconds(5400)
    activity.cost.nanos = 500_000_000
    trip.create_time.FromJsonString("2026-11-23T10:00:00.123Z")
    trip.usage.input_tokens = 10
    data = json_format.MessageToDict(trip, always_print_fields_with_no_presence=True)
    validator(document, "tripmesh.v1.Trip").validate(data)
    empty = json_format.MessageToDict(
        orchestrator_service_pb2.ListTripsResponse(), always_print_fields_with_no_presence=True
    )
    validator(document, "tripmesh.v1.ListTripsResponse").validate(empty)
    with pytest.raises(jsonschema.ValidationError):
        validator(document, "tripmesh.v1.Trip").validate({"nmae": "typo"})


def test_security_only_with_keys() -> None:
    with_keys = openapi_document(load_routes(), version="1", api_keys=True)
    assert set(with_keys["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert all(
        op["security"] == [{"bearer": []}, {"apiKey": []}]
        for methods in with_keys["paths"].values()
        for op in methods.values()
    )
    assert "/v1/keys/me" in with_keys["paths"]


def test_the_keys_route_is_documented_only_with_keys(document: dict[str, Any]) -> None:
    assert "/v1/keys/me" not in document["paths"]


def test_descriptions_required_fields_and_bounds_come_from_the_protos(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    request = schemas["tripmesh.v1.PlanTripRequest"]
    assert request["description"].startswith("A traveller's request for a trip.")
    assert request["required"] == ["destination", "startDate", "days", "travelers", "budget"]
    days = request["properties"]["days"]
    assert (days["minimum"], days["maximum"]) == (1, 30)
    assert days["description"] == "Number of days, 1..30."
    travelers = request["properties"]["travelers"]
    assert (travelers["minimum"], travelers["maximum"]) == (1, 20)
    assert (
        "`PACE_RELAXED`: Few activities, long breaks." in schemas["tripmesh.v1.Pace"]["description"]
    )
    plan = document["paths"]["/v1/trips:plan"]["post"]
    assert plan["description"].startswith("Plans a trip: drafts, prices and advises in one call")
    tags = {t["name"]: t["description"] for t in document["tags"]}
    assert tags["OrchestratorService"].startswith("Runs a trip request through the agents")


def test_bounds_agree_with_the_input_guardrail() -> None:
    document = openapi_document(load_routes(), version="1", api_keys=False)
    fields = document["components"]["schemas"]["tripmesh.v1.PlanTripRequest"]["properties"]
    assert fields["days"]["maximum"] == validation.MAX_DAYS
    assert fields["travelers"]["maximum"] == validation.MAX_TRAVELERS
    # the guardrail's limits, tighter than the door's
    assert fields["destination"]["maxLength"] == validation.MAX_DESTINATION
    assert fields["interests"]["maxItems"] == validation.MAX_INTERESTS
    assert fields["interests"]["items"]["maxLength"] == validation.MAX_INTEREST
    assert fields["requestId"]["maxLength"] == validation.MAX_REQUEST_ID


def test_the_doors_bounds_are_in_the_schemas(document: dict[str, Any]) -> None:
    """Where no comment states a range, a field's schema holds the ceiling every server's
    door refuses beyond (or the guardrail's, where it is tighter): no value the document
    allows is refused for its size."""
    schemas = document["components"]["schemas"]
    checked = 0
    for key, bound in BOUNDS.items():
        message, _ = key.rsplit(".", 1)
        if message not in schemas:
            continue  # a message of gRPC only (agents' requests, A2A)
        field = descriptor_pool.Default().FindFieldByName(key)
        schema = schemas[message]["properties"][field.json_name]
        value = schema.get("items", schema)
        if bound.max_items is not None and field.is_repeated and not field.message_type:
            assert schema["maxItems"] <= bound.max_items, key
        if bound.max_len is not None and field.type == field.TYPE_STRING:
            assert value["maxLength"] <= bound.max_len, key
        if bound.min is not None and "$ref" not in value and value.get("type") != "string":
            assert value["minimum"] >= bound.min, key  # a comment's range may be narrower
            assert value["maximum"] <= bound.max, key
        checked += 1
    assert checked > 50
    fields = schemas["tripmesh.v1.PlanTripRequest"]["properties"]
    assert (fields["nights"]["minimum"], fields["nights"]["maximum"]) == (0, 366)
    assert fields["destination"]["maxLength"] == 120  # the guardrail's; the door's is 200
    assert fields["interests"]["maxItems"] == 10  # 50 at the door
    assert fields["interests"]["items"]["maxLength"] == 40  # 100 at the door
    page_size = next(
        p for p in document["paths"]["/v1/trips"]["get"]["parameters"] if p["name"] == "pageSize"
    )
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (0, 1000)
    assert "maxLength" not in schemas["tripmesh.v1.Trip"]["properties"]["name"]  # no bound


def test_the_document_is_valid_openapi_3_1() -> None:
    for api_keys in (False, True):
        validate(openapi_document(load_routes(), version="1", api_keys=api_keys))
