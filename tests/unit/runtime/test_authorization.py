"""Who may call what, as a real server on mTLS enforces it, with `tripmesh certs`' certificates.

The Consul agents hold a mesh certificate (spiffe://tripmesh/consul) so that their gRPC health
checks pass the TLS handshake; it lets them call grpc.health.v1.Health/Check and nothing
else, where every other certificate of the CA may also watch health and use reflection.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from tripmesh.v1 import tool_service_pb2, tool_service_pb2_grpc

from registry import KnownService
from services import certs
from services.cli import main
from services.runtime import tls
from services.runtime.server import ServiceContext, ServiceServer, build_server
from tests.support.inprocess import running_server
from tests.support.settings import Settings

SERVER = "planner"  # whose certificate the probe server holds (its name is checked)
PROBE = KnownService("probe", "tripmesh-planner", 0, 0, "tripmesh.v1.ToolService")


class Tools(tool_service_pb2_grpc.ToolServiceServicer):
    async def InvokeTool(self, request: Any, context: Any) -> tool_service_pb2.InvokeToolResponse:
        return tool_service_pb2.InvokeToolResponse()


async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
    tool_service_pb2_grpc.add_ToolServiceServicer_to_server(Tools(), server)


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    return await build_server(PROBE, settings, install)


@pytest.fixture(scope="module")
def certs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("mtls") / "certs"
    assert main(["certs", "--dir", str(directory)]) == 0  # `tripmesh certs`
    return directory


@pytest.fixture
async def port(certs_dir: Path) -> AsyncIterator[int]:
    files = certs.files(certs_dir, SERVER)
    async with running_server(
        create_server, tls_cert=files.cert, tls_key=files.key, tls_ca=files.ca
    ) as (_server, bound):
        yield bound


def channel(certs_dir: Path, port: int, caller: str) -> grpc.aio.Channel:
    credentials = tls.channel_credentials(certs.files(certs_dir, caller))
    return tls.aio_channel(f"127.0.0.1:{port}", credentials, service=PROBE.discovery_name)


async def code_of(call: Any) -> grpc.StatusCode:
    """OK when the call answered (its first message, for a stream), else its error's code."""
    try:
        if isinstance(call, grpc.aio.UnaryStreamCall | grpc.aio.StreamStreamCall):
            await call.read()
        else:
            await call
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


async def codes(certs_dir: Path, port: int, caller: str) -> dict[str, grpc.StatusCode]:
    """What `caller` gets from health, reflection and a tripmesh RPC."""
    async with channel(certs_dir, port, caller) as chan:
        health = health_pb2_grpc.HealthStub(chan)
        listing = reflection_pb2.ServerReflectionRequest(list_services="")
        calls = {
            "Check": health.Check(health_pb2.HealthCheckRequest(), timeout=5),
            "Watch": health.Watch(health_pb2.HealthCheckRequest(), timeout=5),
            "Reflection": reflection_pb2_grpc.ServerReflectionStub(chan).ServerReflectionInfo(
                iter([listing]), timeout=5
            ),
            "InvokeTool": tool_service_pb2_grpc.ToolServiceStub(chan).InvokeTool(
                tool_service_pb2.InvokeToolRequest(name="tools/x"), timeout=5
            ),
        }
        return {name: await code_of(call) for name, call in calls.items()}


async def test_the_consul_certificate_may_check_health_and_nothing_else(
    certs_dir: Path, port: int
) -> None:
    denied = grpc.StatusCode.PERMISSION_DENIED
    assert await codes(certs_dir, port, certs.CONSUL) == {
        "Check": grpc.StatusCode.OK,
        "Watch": denied,
        "Reflection": denied,
        "InvokeTool": denied,
    }


async def test_other_mesh_certificates_keep_health_and_reflection(
    certs_dir: Path, port: int
) -> None:
    ok, denied = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
    health_and_reflection = {"Check": ok, "Watch": ok, "Reflection": ok}
    assert await codes(certs_dir, port, certs.OPERATOR) == {
        **health_and_reflection,
        "InvokeTool": denied,
    }
    assert await codes(certs_dir, port, "task-router") == {
        **health_and_reflection,
        "InvokeTool": ok,
    }
