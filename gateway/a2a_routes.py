"""HTTP+JSON routes of A2A (lf.a2a.v1.A2AService), from the A2A proto's own annotations.

Four agents serve A2AService. The proto binds every method twice: `/message:send`
and `/{tenant}/message:send`. The first reaches the orchestrator (the mesh's front
agent); the tenant form names the agent (`/planner/message:send`), so each tenant
binding is served once per agent with the tenant written into the path.

A task lives in the agent replica that runs it; its id names that replica
(services.a2a.task_ids), and every call naming it is sent there.
"""

import dataclasses

from a2a.types import a2a_pb2
from google.api import annotations_pb2, http_pb2
from google.protobuf.message_factory import GetMessageClass

from gateway.rules import Route, RpcMethod, route_of_rule
from registry import known_service
from services.a2a.task_ids import replica_holding

A2A_SERVICE = a2a_pb2.DESCRIPTOR.services_by_name["A2AService"]
FRONT_AGENT = "orchestrator"
AGENTS = ("orchestrator", "planner", "budget", "guide")  # the tenants: each serves A2AService
TENANT = "{tenant}"


def a2a_routes() -> list[Route]:
    routes: list[Route] = []
    for method in A2A_SERVICE.methods:
        if method.client_streaming:
            continue
        rpc = RpcMethod(
            service=A2A_SERVICE.full_name,
            upstream=known_service(FRONT_AGENT).discovery_name,
            name=method.name,
            input_type=GetMessageClass(method.input_type),
            output_type=GetMessageClass(method.output_type),
            server_streaming=method.server_streaming,
        )
        rule: http_pb2.HttpRule = method.GetOptions().Extensions[annotations_pb2.http]
        for binding in (rule, *rule.additional_bindings):
            routes.extend(_bound(binding, rpc))
    return routes


def _bound(binding: http_pb2.HttpRule, rpc: RpcMethod) -> list[Route]:
    verb = binding.WhichOneof("pattern")
    assert verb is not None
    assert verb != "custom"
    path: str = getattr(binding, verb)
    if TENANT not in path:
        return [_a2a_route(_only(binding), rpc)]
    routes = []
    for agent in AGENTS:
        concrete = _only(binding)
        setattr(concrete, verb, path.replace(TENANT, agent))
        upstream = known_service(agent).discovery_name
        routes.append(_a2a_route(concrete, dataclasses.replace(rpc, upstream=upstream)))
    return routes


def _a2a_route(binding: http_pb2.HttpRule, rpc: RpcMethod) -> Route:
    """The route, answering errors as A2A's HTTP+JSON binding does (AIP-193); a call that
    names a task goes to the agent replica holding it."""
    route = route_of_rule(binding, rpc)
    return dataclasses.replace(route, error_envelope=True, replica=replica_holding)


def _only(binding: http_pb2.HttpRule) -> http_pb2.HttpRule:
    copy = http_pb2.HttpRule()
    copy.CopyFrom(binding)
    copy.ClearField("additional_bindings")
    return copy
