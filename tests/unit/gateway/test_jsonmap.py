"""Query parameters and bodies into request messages; responses out as canonical JSON."""

import json
from typing import Any

import pytest
from google.rpc import error_details_pb2
from tripmesh.v1 import (
    orchestrator_service_pb2,
    performance_monitor_service_pb2,
    task_router_service_pb2,
    trip_pb2,
)

from gateway.errors import HttpError
from gateway.jsonmap import Codec
from gateway.query import QueryError, parse_query, query_table
from gateway.rules import Route, load_routes


def codec(name: str) -> Codec:
    route: Route = next(r for r in load_routes() if r.rpc.name == name)
    return Codec(route)


def reason(error: pytest.ExceptionInfo[HttpError]) -> str:
    return _info(error.value.status)["reason"]


def _info(status: Any) -> dict[str, str]:
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    return {"reason": info.reason, "domain": info.domain}


def test_query_scalars_enums_bools_in_either_casing() -> None:
    stats = codec("GetStats").request(
        {}, [("window", "STATS_WINDOW_ONE_HOUR"), ("service", "s"), ("kind", "2")], b""
    )
    assert stats.window == performance_monitor_service_pb2.STATS_WINDOW_ONE_HOUR  # type: ignore[attr-defined]
    assert stats.kind == performance_monitor_service_pb2.EXECUTION_KIND_TOOL  # type: ignore[attr-defined]
    alerts = codec("ListAlerts").request({}, [("include_resolved", "true")], b"")
    assert alerts.include_resolved is True  # type: ignore[attr-defined]
    alerts = codec("ListAlerts").request({}, [("includeResolved", "0")], b"")
    assert alerts.include_resolved is False  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("1m", "STATS_WINDOW_ONE_MINUTE"),
        ("5M", "STATS_WINDOW_FIVE_MINUTES"),
        ("one_hour", "STATS_WINDOW_ONE_HOUR"),
        ("stats_window_one_minute", "STATS_WINDOW_ONE_MINUTE"),
    ],
)
def test_query_enums_take_short_forms(text: str, window: str) -> None:
    stats = codec("GetStats").request({}, [("window", text)], b"")
    assert performance_monitor_service_pb2.StatsWindow.Name(stats.window) == window  # type: ignore[attr-defined]


def test_a_bad_enum_in_the_query_lists_the_accepted_values() -> None:
    with pytest.raises(HttpError) as caught:
        codec("GetStats").request({}, [("window", "2 weeks")], b"")
    assert "STATS_WINDOW_ONE_HOUR" in caught.value.status.message
    assert "1m" in caught.value.status.message


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b'{"destination":"Lisbon","days":"four"}', "days", "expected a 32-bit integer"),
        (b'{"budget":{"units":"x"}}', "budget.units", "expected a 64-bit integer"),
        (b'{"pace":"FAST"}', "pace", "PACE_BALANCED"),
        (b'{"interests":"food"}', "interests", "expected a list"),
        (b'{"destinaton":"Lisbon"}', "destinaton", "unknown field"),
    ],
)
def test_body_errors_name_the_field_and_never_python_internals(
    body: bytes, field: str, says: str
) -> None:
    with pytest.raises(HttpError) as caught:
        codec("PlanTrip").request({}, [], body)
    message = caught.value.status.message
    assert says in message
    assert "int()" not in message
    assert "Available Fields" not in message
    violations = error_details_pb2.BadRequest()
    assert caught.value.status.details[1].Unpack(violations)
    assert [v.field for v in violations.field_violations] == [field]


def test_query_repeated_and_nested_fields() -> None:
    table = query_table(orchestrator_service_pb2.ListTripsRequest.DESCRIPTOR)
    assert set(table) == {"pageSize", "page_size", "pageToken", "page_token"}
    # RouteTask's body is "*" (no query there), but its request shows nested and repeated leaves.
    table = query_table(task_router_service_pb2.RouteTaskRequest.DESCRIPTOR, ["name"])
    assert "hints.preferredInstanceId" in table
    assert "hints.excluded_instance_ids" in table
    assert "name" not in table  # bound by the path
    assert "arguments" not in table  # a Struct is not a leaf
    values = parse_query(
        [
            ("hints.excludedInstanceIds", "a"),
            ("hints.excluded_instance_ids", "b"),
            ("hints.preferredInstanceId", "p"),
        ],
        table,
    )
    assert values == {"hints": {"excluded_instance_ids": ["a", "b"], "preferred_instance_id": "p"}}


def test_query_errors_name_the_parameter() -> None:
    table = query_table(orchestrator_service_pb2.ListTripsRequest.DESCRIPTOR)
    with pytest.raises(QueryError) as unknown:
        parse_query([("color", "red")], table)
    assert unknown.value.parameter == "color"
    with pytest.raises(QueryError, match="more than once"):
        parse_query([("pageSize", "1"), ("page_size", "2")], table)
    with pytest.raises(HttpError) as bad_int:
        codec("ListTrips").request({}, [("pageSize", "ten")], b"")
    assert reason(bad_int) == "INVALID_FIELD_VALUE"
    with pytest.raises(HttpError) as bad_bool:
        codec("ListAlerts").request({}, [("includeResolved", "maybe")], b"")
    assert reason(bad_bool) == "INVALID_QUERY_PARAMETER"
    with pytest.raises(HttpError):  # body "*": every field comes from the body
        codec("PlanTrip").request({}, [("days", "3")], b"{}")


def test_body_in_both_casings_and_mixed() -> None:
    plan = codec("PlanTrip")
    camel = plan.request({}, [], b'{"startDate": "2027-05-01", "budget": {"currencyCode": "EUR"}}')
    snake = plan.request(
        {}, [], b'{"start_date": "2027-05-01", "budget": {"currency_code": "EUR"}}'
    )
    assert camel == snake
    assert camel.start_date == "2027-05-01"  # type: ignore[attr-defined]
    # int64 from a number or a string; enums by name or number.
    units = plan.request({}, [], b'{"budget": {"units": "2000"}, "pace": 3}')
    assert units.budget.units == 2000  # type: ignore[attr-defined]
    assert units.pace == trip_pb2.PACE_PACKED  # type: ignore[attr-defined]
    assert plan.request({}, [], b"") == trip_pb2.PlanTripRequest()  # empty body: empty message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"destination": ', "MALFORMED_JSON"),
        (b"\xff\xfe{", "MALFORMED_JSON"),
        (b"[1]", "INVALID_BODY"),
        (b'"Lisbon"', "INVALID_BODY"),
        (b'{"days": "four"}', "INVALID_FIELD_VALUE"),
        (b'{"days": 1.5}', "INVALID_FIELD_VALUE"),
        (b'{"days": 99999999999}', "INVALID_FIELD_VALUE"),
        (b'{"interests": "food"}', "INVALID_FIELD_VALUE"),
        (b'{"pace": "PACE_WILD"}', "INVALID_FIELD_VALUE"),
        (b'{"dayz": 4}', "UNKNOWN_FIELD"),
        (b'{"budget": {"cents": 1}}', "UNKNOWN_FIELD"),
    ],
)
def test_bad_bodies_are_400_with_a_reason(body: bytes, expected: str) -> None:
    with pytest.raises(HttpError) as error:
        codec("PlanTrip").request({}, [], body)
    assert error.value.http == 400
    assert reason(error) == expected
    assert _info(error.value.status)["domain"] == "tripmesh-gateway"


def test_path_wins_over_the_body() -> None:
    request = codec("RouteTask").request(
        {"name": "tools/geo.distance"}, [], b'{"name": "tools/other", "arguments": {"from": "A"}}'
    )
    assert request.name == "tools/geo.distance"  # type: ignore[attr-defined]
    assert request.arguments["from"] == "A"  # type: ignore[attr-defined]


def test_response_is_lower_camel_with_every_field_printed() -> None:
    trip = trip_pb2.Trip(name="trips/1")
    trip.request.budget.currency_code = "EUR"
    trip.request.budget.units = 2000
    trip.itinerary.days.add(date="2027-05-01").activities.add(title="Tram").duration.FromSeconds(
        5400
    )
    data = json.loads(codec("GetTrip").response(trip))
    assert data["request"]["budget"] == {"currencyCode": "EUR", "units": "2000", "nanos": 0}
    assert data["request"]["startDate"] == ""
    assert data["warnings"] == []
    assert data["revisions"] == 0
    assert data["itinerary"]["days"][0]["activities"][0]["duration"] == "5400s"
    assert "guide" not in data  # a message field without a value has presence: absent
