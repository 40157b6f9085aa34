"""A mesh on mTLS, as its users and an attacker on loopback see it.

`tripmesh certs` writes the certificates, `tripmesh up --tls` runs the mesh on them; the
tests call it with real gRPC clients, httpx, grpcurl and `tripmesh plan`.
"""

import datetime
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from cryptography import x509
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from tripmesh.v1 import (
    orchestrator_service_pb2_grpc,
    planner_service_pb2,
    planner_service_pb2_grpc,
    trip_pb2,
)
from tripmesh.v1 import performance_monitor_service_pb2 as pm_pb2
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc

from registry import KNOWN_SERVICES, known_service
from services import certs
from services.runtime import tls
from services.runtime.errors import error_info
from tests.support.processes import ROOT, MeshProcess, base_env, run_cli

pytestmark = pytest.mark.slow
GRPCURL = shutil.which("grpcurl") or str(ROOT / ".venv/bin/grpcurl")
TRIP = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 2,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": "1500"},
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose certs/ `tripmesh certs` wrote (what `up --tls` then uses)."""
    path = tmp_path_factory.mktemp("mtls")
    done = run_cli("certs", env=base_env(path))
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def tls_mesh(data_dir: Path) -> Iterator[MeshProcess]:
    running = MeshProcess(base_env(data_dir), flags=("--tls",)).start(data_dir / "up.log")
    yield running
    running.stop()


def identity(data_dir: Path, name: str) -> tls.TlsFiles:
    return certs.files(data_dir / "certs", name)


def health(mesh: MeshProcess, service: str, files: tls.TlsFiles | None) -> str:
    """The health of `service` as a client holding `files` sees it (plaintext without)."""
    target = known_service(service)
    address = f"127.0.0.1:{mesh.port(service)}"
    with tls.sync_channel(address, files, service=target.discovery_name) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=5
            )
        except grpc.RpcError as exc:
            return str(exc.code().name)  # type: ignore[attr-defined]
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def test_certs_name_each_service_and_keep_keys_private(data_dir: Path) -> None:
    directory = data_dir / "certs"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in certs.identities():
        files = identity(data_dir, name)
        assert stat.S_IMODE(files.key.stat().st_mode) == 0o600, name
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert names.get_values_for_type(x509.UniformResourceIdentifier) == [
            f"spiffe://tripmesh/{name}"
        ]
        assert "localhost" in names.get_values_for_type(x509.DNSName)
    planner = x509.load_pem_x509_certificate(identity(data_dir, "planner").cert.read_bytes())
    dns = planner.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    dns_names = set(dns.get_values_for_type(x509.DNSName))
    assert {"tripmesh-planner", "planner.tripmesh.svc"} <= dns_names


def test_trips_plan_over_mtls_directly_and_through_the_https_gateway(
    tls_mesh: MeshProcess, data_dir: Path
) -> None:
    assert "generated development certificates" not in tls_mesh.log_path.read_text()
    operator = identity(data_dir, certs.OPERATOR)
    env = base_env(
        data_dir,
        TRIPMESH_TLS_CERT=str(operator.cert),
        TRIPMESH_TLS_KEY=str(operator.key),
        TRIPMESH_TLS_CA=str(operator.ca),
    )
    address = f"127.0.0.1:{tls_mesh.port('orchestrator')}"
    where = ("--destination", "Porto", "--start", "2027-05-01", "--budget", "900 EUR")
    direct = run_cli("plan", "--grpc", address, *where, env=env)
    assert direct.returncode == 0, direct.stderr
    assert "Porto" in direct.stdout

    listed = run_cli("trips", "list", "--port-offset", str(tls_mesh.offset), env=env)
    assert listed.returncode == 0, listed.stderr  # the gateway over https, by default
    assert "Porto" in listed.stdout

    assert tls_mesh.gateway_url.startswith("https://")
    with httpx.Client(verify=tls.client_ssl_context(operator), timeout=60) as client:
        reply = client.post(f"{tls_mesh.gateway_url}/v1/trips:plan", json=TRIP)
    assert reply.status_code == 200, reply.text
    assert reply.json()["name"].startswith("trips/")
    assert reply.json()["estimate"]["lineItems"]


def test_plaintext_is_refused(tls_mesh: MeshProcess, data_dir: Path) -> None:
    assert health(tls_mesh, "orchestrator", identity(data_dir, certs.OPERATOR)) == "SERVING"
    assert health(tls_mesh, "orchestrator", None) == "UNAVAILABLE"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{tls_mesh.port('gateway')}/healthz", timeout=5)


def test_a_client_certificate_from_another_ca_is_refused(
    tls_mesh: MeshProcess, data_dir: Path, tmp_path: Path
) -> None:
    done = run_cli("certs", "--dir", str(tmp_path / "other"), env=base_env(tmp_path))
    assert done.returncode == 0, done.stderr
    foreign = certs.files(tmp_path / "other", "orchestrator")
    # It trusts the mesh's CA (so the server is fine), but its own certificate is not the mesh's.
    client = tls.TlsFiles(foreign.cert, foreign.key, identity(data_dir, "orchestrator").ca)
    assert health(tls_mesh, "performance-monitor", client) == "UNAVAILABLE"
    assert health(tls_mesh, "performance-monitor", identity(data_dir, "orchestrator")) == "SERVING"


def test_an_expired_certificate_is_refused(
    tls_mesh: MeshProcess, data_dir: Path, tmp_path: Path
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    authority = certs.load_authority(data_dir / "certs")
    expired = certs.issue(
        authority,
        "orchestrator",
        not_before=now - datetime.timedelta(days=30),
        not_after=now - datetime.timedelta(days=1),
    )
    certs.write(tmp_path, "orchestrator", expired)
    client = tls.TlsFiles(
        tmp_path / "orchestrator.crt", tmp_path / "orchestrator.key", data_dir / "certs/ca.crt"
    )
    assert health(tls_mesh, "performance-monitor", client) == "UNAVAILABLE"


def record(mesh: MeshProcess, files: tls.TlsFiles) -> grpc.RpcError | None:
    """RecordExecutions as the holder of `files`; the error, or None when it was accepted."""
    address = f"127.0.0.1:{mesh.port('performance-monitor')}"
    with tls.sync_channel(address, files, service="tripmesh-performance-monitor") as channel:
        try:
            pm_grpc.PerformanceMonitorServiceStub(channel).RecordExecutions(
                pm_pb2.RecordExecutionsRequest(), timeout=5
            )
        except grpc.RpcError as exc:
            return exc
    return None


@pytest.mark.parametrize("caller", ["gateway", certs.OPERATOR])
def test_a_mesh_certificate_with_the_wrong_identity_may_not_record_executions(
    tls_mesh: MeshProcess, data_dir: Path, caller: str
) -> None:
    assert record(tls_mesh, identity(data_dir, "orchestrator")) is None
    refused = record(tls_mesh, identity(data_dir, caller))
    assert refused is not None
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
    status = rpc_status.from_call(refused)  # type: ignore[arg-type]
    info = error_info(status)
    assert info is not None
    assert info.reason == "CALLER_NOT_ALLOWED"
    assert info.metadata["identity"] == f"spiffe://tripmesh/{caller}"
    assert f"spiffe://tripmesh/{caller}" in (refused.details() or "")  # type: ignore[attr-defined]


def test_the_consul_certificate_checks_every_service_and_may_do_nothing_else(
    tls_mesh: MeshProcess, data_dir: Path
) -> None:
    """What Consul's agents present for their gRPC checks (enable_agent_tls_for_checks)."""
    consul = identity(data_dir, certs.CONSUL)
    for name, service in KNOWN_SERVICES.items():
        if service.proto_service:  # the gateway is checked over HTTPS, without a certificate
            assert health(tls_mesh, name, consul) == "SERVING", name
    refused = record(tls_mesh, consul)
    assert refused is not None
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]


def test_outside_callers_reach_the_agents_only_through_the_gateway(
    tls_mesh: MeshProcess, data_dir: Path
) -> None:
    address = f"127.0.0.1:{tls_mesh.port('planner')}"
    operator = identity(data_dir, certs.OPERATOR)
    with (
        tls.sync_channel(address, operator, service="tripmesh-planner") as channel,
        pytest.raises(grpc.RpcError) as refused,
    ):
        planner_service_pb2_grpc.PlannerServiceStub(channel).DraftItinerary(
            planner_service_pb2.DraftItineraryRequest(), timeout=5
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
    assert health(tls_mesh, "planner", operator) == "SERVING"  # health stays open


def test_grpcurl_lists_services_with_the_operator_certificate(
    tls_mesh: MeshProcess, data_dir: Path
) -> None:
    operator = identity(data_dir, certs.OPERATOR)
    flags = ["-cacert", str(operator.ca), "-cert", str(operator.cert), "-key", str(operator.key)]
    address = f"127.0.0.1:{tls_mesh.port('orchestrator')}"
    done = subprocess.run(
        [GRPCURL, *flags, address, "list"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert "tripmesh.v1.OrchestratorService" in done.stdout.split()


def test_metrics_ports_stay_plain_http_and_tell_probes_the_health(tls_mesh: MeshProcess) -> None:
    port = known_service("planner").metrics_port + tls_mesh.offset
    base = f"http://127.0.0.1:{port}"
    assert httpx.get(f"{base}/readyz", timeout=5).text == "SERVING\n"
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    assert "grpc_server_handled_total" in httpx.get(f"{base}/metrics", timeout=5).text


def test_a_stream_is_refused_before_its_first_message(
    tls_mesh: MeshProcess, data_dir: Path
) -> None:
    """The agents reach the orchestrator's public API only through the gateway either."""
    address = f"127.0.0.1:{tls_mesh.port('orchestrator')}"
    planner = identity(data_dir, "planner")
    with tls.sync_channel(address, planner, service="tripmesh-orchestrator") as channel:
        stream = orchestrator_service_pb2_grpc.OrchestratorServiceStub(channel).StreamPlanTrip(
            trip_pb2.PlanTripRequest(destination="Lisbon"), timeout=10
        )
        with pytest.raises(grpc.RpcError) as refused:
            next(iter(stream))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
    assert "spiffe://tripmesh/planner" in (refused.value.details() or "")  # type: ignore[attr-defined]


def test_the_gateway_checks_every_instance_over_mtls(tls_mesh: MeshProcess, data_dir: Path) -> None:
    """/v1/mesh (the operators' page) asks each instance's health on its own channel."""
    operator = identity(data_dir, certs.OPERATOR)
    with httpx.Client(verify=tls.client_ssl_context(operator), timeout=30) as client:
        services = client.get(f"{tls_mesh.gateway_url}/v1/mesh").json()["services"]
    assert {s["name"]: s["status"] for s in services} == {
        name: "SERVING" for name in KNOWN_SERVICES
    }
