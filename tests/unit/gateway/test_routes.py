"""Routes come from the descriptors alone: every annotated RPC, and one added at run time."""

from google.api import annotations_pb2
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FileDescriptor
from tripmesh.v1 import (
    budget_service_pb2,
    guide_service_pb2,
    orchestrator_service_pb2,
    performance_monitor_service_pb2,
    planner_service_pb2,
    task_router_service_pb2,
    tool_registry_service_pb2,
    tool_service_pb2,
)

from gateway.jsonmap import Codec
from gateway.openapi import openapi_document
from gateway.router import Router
from gateway.rules import file_routes, load_routes

MODULES = [
    budget_service_pb2,
    guide_service_pb2,
    orchestrator_service_pb2,
    performance_monitor_service_pb2,
    planner_service_pb2,
    task_router_service_pb2,
    tool_registry_service_pb2,
    tool_service_pb2,
]


def annotated_methods() -> set[str]:
    """Every method of tripmesh.v1 with a google.api.http option, read independently."""
    found = set()
    for module in MODULES:
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                if method.GetOptions().HasExtension(annotations_pb2.http):
                    found.add(f"/{service.full_name}/{method.name}")
    return found


def test_every_annotated_rpc_is_routed_and_nothing_else() -> None:
    routes = load_routes()
    assert {r.rpc.path for r in routes} == annotated_methods()
    assert "/tripmesh.v1.ToolRegistryService/RegisterTool" not in {r.rpc.path for r in routes}
    upstreams = {r.rpc.service: r.rpc.upstream for r in routes}
    assert upstreams["tripmesh.v1.OrchestratorService"] == "tripmesh-orchestrator"
    assert upstreams["tripmesh.v1.TaskRouterService"] == "tripmesh-task-router"


def _echo_file() -> FileDescriptor:
    """A proto the gateway has never seen, with an HTTP rule and an additional binding."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="gatewaytest/echo.proto",
        package="gatewaytest.v1",
        syntax="proto3",
        dependency=["google/api/annotations.proto"],
    )
    message = proto.message_type.add(name="EchoRequest")
    field = descriptor_pb2.FieldDescriptorProto
    message.field.add(name="name", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    message.field.add(name="page_size", number=2, type=field.TYPE_INT32, label=field.LABEL_OPTIONAL)
    method = proto.service.add(name="EchoService").method.add(
        name="Echo",
        input_type=".gatewaytest.v1.EchoRequest",
        output_type=".gatewaytest.v1.EchoRequest",
    )
    rule = method.options.Extensions[annotations_pb2.http]
    rule.get = "/v1/{name=publishers/*/books/*}"
    rule.additional_bindings.add(post="/v1/{name=publishers/*/books/*}:echo", body="*")
    pool = descriptor_pool.Default()
    try:
        return pool.FindFileByName(proto.name)
    except KeyError:
        return pool.Add(proto)


def test_a_newly_annotated_rpc_is_served_without_gateway_code() -> None:
    routes = file_routes(_echo_file())
    assert [(r.http_method, r.label) for r in routes] == [
        ("GET", "/v1/{name=publishers/*/books/*}"),
        ("POST", "/v1/{name=publishers/*/books/*}:echo"),
    ]
    assert routes[0].rpc.path == "/gatewaytest.v1.EchoService/Echo"
    match = Router(routes).match("GET", "/v1/publishers/p1/books/b2")
    assert match is not None
    request = Codec(match.route).request(match.bindings, [("pageSize", "3")], b"")
    assert (request.name, request.page_size) == ("publishers/p1/books/b2", 3)  # type: ignore[attr-defined]
    document = openapi_document(routes, version="test", api_keys=False)
    assert set(document["paths"]) == {
        "/v1/publishers/{publisher}/books/{book}",
        "/v1/publishers/{publisher}/books/{book}:echo",
    }
