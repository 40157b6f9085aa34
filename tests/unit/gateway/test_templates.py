"""Path templates: grammar, matching, variable binding, verbs; the router's order."""

import pytest

from gateway.router import Router
from gateway.rules import load_routes
from gateway.templates import TemplateSyntaxError, parse_template


def test_literal_template_with_a_verb() -> None:
    template = parse_template("/v1/trips:plan")
    assert template.verb == "plan"
    assert template.variables == ()
    assert template.match("/v1/trips:plan") == {}
    assert template.match("/v1/trips") is None
    assert template.match("/v1/trips:planx") is None


def test_variable_with_a_pattern_binds_the_resource_name() -> None:
    template = parse_template("/v1/{name=trips/*}")
    assert template.match("/v1/trips/abc123") == {"name": "trips/abc123"}
    assert template.match("/v1/trips") is None
    assert template.match("/v1/trips/a/b") is None  # `*` is one segment
    assert template.match("/v1/tools/x") is None


def test_verb_after_a_variable_and_dots_in_names() -> None:
    template = parse_template("/v1/{name=tools/*}:invoke")
    assert template.match("/v1/tools/currency.convert:invoke") == {"name": "tools/currency.convert"}
    assert template.match("/v1/tools/currency.convert") is None


def test_bound_values_are_percent_decoded() -> None:
    template = parse_template("/v1/{name=trips/*}")
    assert template.match("/v1/trips/a%20b") == {"name": "trips/a b"}
    assert template.match("/v1/trips/a%2Fb") == {"name": "trips/a/b"}  # still one segment


def test_nested_field_paths_multi_segment_and_plain_variables() -> None:
    template = parse_template("/v1/{book.name=shelves/*/books/**}/{id}")
    assert [v.name for v in template.variables] == ["book.name", "id"]
    assert template.match("/v1/shelves/1/books/a/b/c/7") == {
        "book.name": "shelves/1/books/a/b/c",
        "id": "7",
    }


@pytest.mark.parametrize(
    "text",
    [
        "v1/trips",  # no leading slash
        "/v1/{name=trips/*",  # unclosed
        "/v1/{na-me}",  # bad field name
        "/v1/{a}/{a}",  # bound twice
        "/v1/**/x",  # ** not last
        "/v1//x",  # empty segment
        "/v1/x:",  # empty verb
        "/v1/{a={b}}",  # nested variable
    ],
)
def test_bad_templates_are_refused(text: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        parse_template(text)


def test_router_prefers_literal_and_verb_routes_and_knows_allowed_methods() -> None:
    router = Router(load_routes())
    plan = router.match("POST", "/v1/trips:plan")
    assert plan is not None
    assert plan.route.rpc.name == "PlanTrip"
    get = router.match("GET", "/v1/trips/t1")
    assert get is not None
    assert get.route.rpc.name == "GetTrip"
    assert get.bindings == {"name": "trips/t1"}
    listing = router.match("GET", "/v1/trips")
    assert listing is not None
    assert listing.route.rpc.name == "ListTrips"
    invoke = router.match("POST", "/v1/tools/geo.distance:invoke")
    assert invoke is not None
    assert invoke.route.rpc.name == "RouteTask"
    assert router.match("GET", "/v1/trips:plan") is None
    assert router.allowed_methods("/v1/trips:plan") == ["POST"]
    assert router.allowed_methods("/v1/unknown") == []
