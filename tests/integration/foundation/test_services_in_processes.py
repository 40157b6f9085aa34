"""Every service in a real process: health, reflection, metrics and grpcurl."""

import json
import shutil
import subprocess
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from registry import KNOWN_SERVICES
from tests.support.processes import MeshProcess

GRPC_SERVICES = [s for s in KNOWN_SERVICES.values() if s.proto_service]
GRPCURL = shutil.which("grpcurl") or str(Path(__file__).parents[3] / ".venv/bin/grpcurl")


def health(port: int, service: str) -> str:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=5
        )
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def reflected_services(port: int) -> list[str]:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        [reply] = list(stub.ServerReflectionInfo(iter([request]), timeout=5))
    return [s.name for s in reply.list_services_response.service]


def grpcurl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRPCURL, "-plaintext", *args], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize("service", GRPC_SERVICES, ids=lambda s: s.name)
def test_health_is_serving_for_empty_and_own_names(mesh: MeshProcess, service) -> None:  # type: ignore[no-untyped-def]
    port = mesh.port(service.name)
    assert health(port, "") == "SERVING"
    assert health(port, service.discovery_name) == "SERVING"
    assert health(port, service.proto_service) == "SERVING"


@pytest.mark.parametrize("service", GRPC_SERVICES, ids=lambda s: s.name)
def test_reflection_lists_its_service(mesh: MeshProcess, service) -> None:  # type: ignore[no-untyped-def]
    names = reflected_services(mesh.port(service.name))
    assert service.proto_service in names
    assert "grpc.health.v1.Health" in names


@pytest.mark.parametrize("service", GRPC_SERVICES, ids=lambda s: s.name)
def test_metrics_show_handled_calls(mesh: MeshProcess, service) -> None:  # type: ignore[no-untyped-def]
    health(mesh.port(service.name), "")
    text = httpx.get(f"http://127.0.0.1:{service.metrics_port + mesh.offset}/metrics").text
    line = next(
        line
        for line in text.splitlines()
        if line.startswith("grpc_server_handled_total{")
        and 'grpc_method="Check"' in line
        and 'grpc_code="OK"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) >= 1


def test_gateway_health_and_metrics(mesh: MeshProcess) -> None:
    assert httpx.get(f"{mesh.gateway_url}/healthz").status_code == 200
    assert httpx.get(f"{mesh.gateway_url}/metrics").status_code == 200


def test_grpcurl_lists_describes_and_checks_health(mesh: MeshProcess) -> None:
    address = f"127.0.0.1:{mesh.port('orchestrator')}"
    listed = grpcurl(address, "list")
    assert listed.returncode == 0, listed.stderr
    assert "tripmesh.v1.OrchestratorService" in listed.stdout.split()

    described = grpcurl(address, "describe", "tripmesh.v1.OrchestratorService")
    assert described.returncode == 0, described.stderr
    assert "rpc PlanTrip ( .tripmesh.v1.PlanTripRequest ) returns ( .tripmesh.v1.Trip )" in (
        described.stdout
    )

    checked = grpcurl(
        "-d", '{"service": "tripmesh-orchestrator"}', address, "grpc.health.v1.Health/Check"
    )
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == {"status": "SERVING"}
