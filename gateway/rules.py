"""The HTTP rules of a proto package, read from its compiled descriptors.

Every `*_pb2` module of the package is imported and each method's
`google.api.http` option (with its additional bindings) becomes a `Route`.
Nothing here names an RPC: a method annotated in a proto is served after a
restart, with no gateway change.
"""

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from google.api import annotations_pb2, http_pb2
from google.protobuf.descriptor import (
    Descriptor,
    FieldDescriptor,
    FileDescriptor,
    MethodDescriptor,
)
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from gateway.templates import PathTemplate, parse_template
from registry import KNOWN_SERVICES

logger = logging.getLogger(__name__)

PACKAGE = "tripmesh.v1"
# Of a request and the addresses of the upstream's replicas, the one replica that must
# answer it ("" for any): state that lives in one process, such as an A2A task.
ReplicaChoice = Callable[[Message, Sequence[str]], str]


class RuleError(ValueError):
    """An HTTP rule that cannot be served (bad template, unknown field)."""


@dataclass(frozen=True)
class RpcMethod:
    """A gRPC method the gateway calls."""

    service: str  # proto service, "tripmesh.v1.OrchestratorService"
    upstream: str  # discovery name of the service that owns it, "tripmesh-orchestrator"
    name: str  # "PlanTrip"
    input_type: type[Message]
    output_type: type[Message]
    server_streaming: bool

    @cached_property
    def path(self) -> str:
        """The gRPC method path, "/tripmesh.v1.OrchestratorService/PlanTrip"."""
        return f"/{self.service}/{self.name}"

    @property
    def input_descriptor(self) -> Descriptor:
        return cast(Descriptor, self.input_type.DESCRIPTOR)

    @property
    def output_descriptor(self) -> Descriptor:
        return cast(Descriptor, self.output_type.DESCRIPTOR)

    @property
    def operation_id(self) -> str:
        return f"{self.service.rsplit('.', 1)[-1]}_{self.name}"


@dataclass(frozen=True)
class Route:
    """One HTTP binding of an RPC: verb, template, where the body goes."""

    http_method: str  # "GET", "POST", ...
    template: PathTemplate
    body: str  # "" (no body), "*" (the whole request) or a top-level field name
    response_body: str  # "" (the whole response) or a top-level field name
    rpc: RpcMethod
    # Errors as AIP-193 {"error": {...}} (A2A's HTTP+JSON binding), not a bare Status.
    error_envelope: bool = False
    replica: ReplicaChoice | None = None  # None: the balancer picks every replica

    @property
    def label(self) -> str:
        """The template, as metrics and logs name the route (never the raw path)."""
        return self.template.text

    @property
    def path_fields(self) -> frozenset[str]:
        """Dotted field paths bound by the path template."""
        return frozenset(v.name for v in self.template.variables)

    @property
    def body_field(self) -> FieldDescriptor | None:
        """The field the body fills, for `body: "field"`."""
        if self.body in ("", "*"):
            return None
        return self.rpc.input_descriptor.fields_by_name[self.body]


_PATTERNS = ("get", "put", "post", "delete", "patch")


def load_routes(package: str = PACKAGE) -> list[Route]:
    """Every HTTP route declared in the package's protos (imports its `*_pb2` modules)."""
    return [route for module in _pb2_modules(package) for route in file_routes(module.DESCRIPTOR)]


def file_routes(file: FileDescriptor) -> list[Route]:
    """The HTTP routes of every service of one proto file."""
    return [
        route
        for service in file.services_by_name.values()
        for method in service.methods
        for route in _routes_of(method)
    ]


def _pb2_modules(package: str) -> Iterator[Any]:
    root = importlib.import_module(package)
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.endswith("_pb2"):
            yield importlib.import_module(f"{package}.{info.name}")


def _routes_of(method: MethodDescriptor) -> list[Route]:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return []
    if method.client_streaming:
        logger.warning("%s streams requests: HTTP cannot carry it, not served", method.full_name)
        return []
    rule: http_pb2.HttpRule = options.Extensions[annotations_pb2.http]
    rpc = _rpc_method(method)
    return [route_of_rule(binding, rpc) for binding in (rule, *rule.additional_bindings)]


def _rpc_method(method: MethodDescriptor) -> RpcMethod:
    service = method.containing_service.full_name
    return RpcMethod(
        service=service,
        upstream=upstream_of(service),
        name=method.name,
        input_type=GetMessageClass(method.input_type),
        output_type=GetMessageClass(method.output_type),
        server_streaming=method.server_streaming,
    )


def upstream_of(proto_service: str) -> str:
    """Discovery name of the service that serves `proto_service`."""
    for known in KNOWN_SERVICES.values():
        if known.proto_service == proto_service:
            return known.discovery_name
    logger.warning("%s is not in the service catalogue: discovered by its own name", proto_service)
    return proto_service


def route_of_rule(rule: http_pb2.HttpRule, rpc: RpcMethod) -> Route:
    kind = rule.WhichOneof("pattern")
    if kind == "custom":
        verb, path = rule.custom.kind.upper(), rule.custom.path
    elif kind in _PATTERNS:
        verb, path = kind.upper(), getattr(rule, kind)
    else:
        raise RuleError(f"{rpc.path}: HTTP rule without a pattern")
    try:
        template = parse_template(path)
    except ValueError as exc:
        raise RuleError(f"{rpc.path}: {exc}") from None
    route = Route(verb, template, rule.body, rule.response_body, rpc)
    _check_fields(route)
    return route


def _check_fields(route: Route) -> None:
    """Fails at start, not on a request, when a rule names a field the messages lack."""
    request = route.rpc.input_descriptor
    for variable in route.template.variables:
        field_at(request, variable.field_path, route.rpc.path)
    if route.body not in ("", "*"):
        field_at(request, (route.body,), route.rpc.path)
    if route.response_body:
        field_at(route.rpc.output_descriptor, (route.response_body,), route.rpc.path)


def field_at(message: Descriptor, path: Iterable[str], where: str = "") -> FieldDescriptor:
    """The field at a dotted path of proto names; raises RuleError when there is none."""
    field: FieldDescriptor | None = None
    current: Descriptor | None = message
    for name in path:
        if current is None or name not in current.fields_by_name:
            raise RuleError(f"{where}: no field {'.'.join(path)!r} in {message.full_name}")
        field = current.fields_by_name[name]
        current = field.message_type
    if field is None:
        raise RuleError(f"{where}: empty field path")
    return field
