"""A2A at the edge: routes from the A2A proto's annotations, per agent; cards; errors."""

import json

from a2a.types import a2a_pb2

from gateway.a2a_routes import a2a_routes
from gateway.agent_cards import edge_card
from gateway.errors import status_json
from gateway.router import Router
from gateway.rules import load_routes
from services.a2a.task_ids import new_task_id
from services.runtime.errors import NotFound


def test_the_plain_bindings_reach_the_orchestrator_and_tenants_their_agent() -> None:
    router = Router(a2a_routes())
    plain = router.match("POST", "/message:send")
    planner = router.match("GET", "/planner/tasks/abc")
    assert plain is not None
    assert plain.route.rpc.upstream == "tripmesh-orchestrator"
    assert plain.route.rpc.path == "/lf.a2a.v1.A2AService/SendMessage"
    assert planner is not None
    assert planner.route.rpc.upstream == "tripmesh-planner"
    assert planner.bindings == {"id": "abc"}
    assert router.match("POST", "/nobody/message:send") is None
    assert all(route.error_envelope for route in router.routes)


def test_a_call_naming_a_task_goes_to_the_replica_holding_it() -> None:
    found = Router(a2a_routes()).match("GET", "/tasks/abc")
    assert found is not None
    get_task = found.route
    replicas = ["ipv4:10.0.0.5:50051", "ipv4:10.0.0.6:50051"]
    request = a2a_pb2.GetTaskRequest(id=new_task_id("10.0.0.6:50051"))
    assert get_task.replica is not None
    assert get_task.replica(request, replicas) == "ipv4:10.0.0.6:50051"
    assert get_task.replica(a2a_pb2.GetTaskRequest(id="untagged"), replicas) == ""
    assert all(route.replica is None for route in load_routes())  # the rest: balanced


def test_the_edge_adds_its_http_interface_first_and_the_key_scheme() -> None:
    card = a2a_pb2.AgentCard(name="planner")
    card.supported_interfaces.add(url="10.0.0.5:50052", protocol_binding="GRPC")
    edge_card(card, "https://trips.example", "planner", api_keys=True)
    first = card.supported_interfaces[0]
    assert (first.url, first.protocol_binding, first.tenant) == (
        "https://trips.example",
        "HTTP+JSON",
        "planner",
    )
    assert card.supported_interfaces[1].protocol_binding == "GRPC"
    assert card.security_schemes["apiKey"].api_key_security_scheme.location == "header"
    assert "apiKey" in card.security_requirements[0].schemes
    assert len(card.security_requirements) == 1  # no mTLS: the key is the only way in
    open_card = a2a_pb2.AgentCard(name="orchestrator")
    edge_card(open_card, "http://localhost:8080", "", api_keys=False)
    assert not open_card.security_schemes


def test_with_mtls_the_card_names_the_mesh_certificate_as_the_other_way_in() -> None:
    card = a2a_pb2.AgentCard(name="planner")
    edge_card(card, "https://trips.example", "planner", api_keys=True, mtls=True)
    requirements = [set(r.schemes) for r in card.security_requirements]
    assert requirements == [{"apiKey"}, {"meshCertificate"}]  # either one: alternatives
    assert card.security_schemes["meshCertificate"].HasField("mtls_security_scheme")


def test_a2a_errors_are_aip_193_envelopes() -> None:
    status = NotFound("Task not found", reason="TASK_NOT_FOUND").to_status("a2a-protocol.org")
    body = json.loads(status_json(status, envelope=True))
    assert body["error"]["code"] == 404
    assert body["error"]["status"] == "NOT_FOUND"
    assert body["error"]["details"][0]["reason"] == "TASK_NOT_FOUND"
    assert json.loads(status_json(status))["code"] == 5
