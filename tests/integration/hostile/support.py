"""What the hostile-input tests share: raw calls to any method of a real mesh, and the
google.rpc.Status of a failed call."""

from collections.abc import Iterator
from dataclasses import dataclass

import grpc
from google.protobuf.descriptor import MethodDescriptor
from google.rpc import error_details_pb2, status_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from registry import KNOWN_SERVICES
from tests.support.descriptors import service_descriptor
from tests.support.processes import MeshProcess

# The largest error message a client may get: far below gRPC's 8 KiB metadata limit.
MAX_MESSAGE_CHARS = 1024


@dataclass(frozen=True)
class Target:
    """A method of the mesh and the port of a server that serves it."""

    method: MethodDescriptor
    port: int

    @property
    def path(self) -> str:
        return f"/{self.method.containing_service.full_name}/{self.method.name}"


def mesh_targets(mesh: MeshProcess) -> Iterator[Target]:
    """Every method of every service each server of the mesh serves, as its reflection
    lists them (ToolService and A2AService on several), health and reflection aside."""
    for service in KNOWN_SERVICES.values():
        if not service.proto_service:
            continue  # the gateway: HTTP
        port = mesh.port(service.name)
        for name in served_services(port):
            if not name.startswith(("grpc.health.", "grpc.reflection.")):
                for method in service_descriptor(name).methods:
                    yield Target(method, port)


def served_services(port: int) -> list[str]:
    """The full names of the services a server lists through reflection."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        ask = reflection_pb2.ServerReflectionRequest(list_services="")
        answer = next(stub.ServerReflectionInfo(iter([ask]), timeout=10))
    return [service.name for service in answer.list_services_response.service]


def raw_call(
    channel: grpc.Channel, target: Target, payload: bytes, timeout: float = 10.0
) -> grpc.RpcError | None:
    """Sends `payload` as the request bytes; the error, or None when the call succeeded."""
    identity = lambda data: data  # noqa: E731  (bytes in, bytes out)
    try:
        if target.method.server_streaming:
            stream = channel.unary_stream(target.path, identity, identity)
            call = stream(payload, timeout=timeout)
            next(iter(call), None)
            call.cancel()
        else:
            channel.unary_unary(target.path, identity, identity)(payload, timeout=timeout)
    except grpc.RpcError as error:
        return error
    return None


def status_of(error: grpc.RpcError) -> status_pb2.Status:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, f"{error.code()} without a google.rpc.Status: {error.details()}"
    return status


def violations(error: grpc.RpcError) -> dict[str, str]:
    """Field → description of the BadRequest of an error (empty when it has none)."""
    found: dict[str, str] = {}
    for detail in status_of(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found
