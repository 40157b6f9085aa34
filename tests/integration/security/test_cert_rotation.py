"""Certificates renewed under running processes, as cert-manager renews them on Kubernetes:
the Secret's files swapped (a `..data` symlink), no restart.

A tool registry and a gateway in front of it, each on its own Secret-like directory. Both
move to a new CA; new handshakes get the new certificates; the gateway reaches a registry
that only knows the new CA (restarted, so no connection from before is left); a replacement
whose key is another certificate's is refused, and the registry keeps serving the last good one.
"""

import datetime
import ssl
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from services import certs
from tests.support.cert_volume import SecretVolume, issue, peer_serial, pem_cert, pem_key
from tests.support.processes import ServiceProcess, base_env

pytestmark = pytest.mark.slow
REGISTRY = "tool-registry"


def new_ca(name: str) -> certs.Issued:
    return certs.new_authority(
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1), name
    )


def operator(directory: Path, authority: certs.Issued) -> SecretVolume:
    """What the test calls with: the operator's certificate from `authority`."""
    volume = SecretVolume(directory)
    volume.issue(authority, certs.OPERATOR)
    return volume


def tls_env(volume: SecretVolume) -> dict[str, str]:
    files = volume.files
    return {
        "TRIPMESH_TLS_CERT": str(files.cert),
        "TRIPMESH_TLS_KEY": str(files.key),
        "TRIPMESH_TLS_CA": str(files.ca),
    }


def until(condition: Callable[[], bool], within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.2)


def reloads(metrics: str, result: str, client: httpx.Client | None = None) -> float:
    """tripmesh_tls_reloads_total{result} on a metrics page (the gateway's is on HTTPS)."""
    text = (client.get(metrics) if client else httpx.get(metrics, timeout=5)).text
    line = f'tripmesh_tls_reloads_total{{result="{result}"}} '
    found = [float(row.removeprefix(line)) for row in text.splitlines() if row.startswith(line)]
    return found[0] if found else 0.0


def test_renewed_certificates_are_served_and_used_without_a_restart(tmp_path: Path) -> None:
    first_ca, second_ca = new_ca("first CA"), new_ca("second CA")
    registry_secret = SecretVolume(tmp_path / "registry-tls")
    registry_secret.issue(first_ca, REGISTRY)
    gateway_secret = SecretVolume(tmp_path / "gateway-tls")
    gateway_secret.issue(first_ca, "gateway")
    old_operator = operator(tmp_path / "operator-1", first_ca)
    new_operator = operator(tmp_path / "operator-2", second_ca)
    both = pem_cert(first_ca) + pem_cert(second_ca)  # what the test trusts

    registry = ServiceProcess(REGISTRY, base_env(tmp_path / "registry", **tls_env(registry_secret)))
    registry.tls = old_operator.files
    gateway_env = base_env(
        tmp_path / "gateway",
        TRIPMESH_ENDPOINTS=f"{REGISTRY}={registry.address}",
        **tls_env(gateway_secret),
    )
    gateway = ServiceProcess("gateway", gateway_env)
    gateway.tls = old_operator.files
    registry.start(tmp_path).wait_serving()
    try:
        gateway.start(tmp_path).wait_serving()
        with httpx.Client(
            verify=ssl.create_default_context(cadata=both.decode()), timeout=10
        ) as http:
            url = f"https://127.0.0.1:{gateway.port}/v1/tools"
            assert http.get(url).status_code == 200

            # cert-manager renews both, from a new CA
            renewed_registry = registry_secret.issue(second_ca, REGISTRY)
            renewed_gateway = gateway_secret.issue(second_ca, "gateway")
            until(
                lambda: (
                    peer_serial(registry.port, both, new_operator.files)
                    == renewed_registry.cert.serial_number
                )
            )
            until(lambda: peer_serial(gateway.port, both) == renewed_gateway.cert.serial_number)
            assert "reloaded" in registry.log()

            # a registry that knows only the new CA: the gateway's new channels must hold it
            registry.stop()
            registry.tls = new_operator.files
            registry.start(tmp_path).wait_serving()
            until(lambda: http.get(url).status_code == 200)
            assert reloads(f"https://127.0.0.1:{gateway.port}/metrics", "loaded", http) == 1

        # a replacement whose key is another certificate's: refused, the last good one stays
        one, other = issue(second_ca, REGISTRY), issue(second_ca, REGISTRY)
        registry_secret.publish(pem_cert(one), pem_key(other), pem_cert(second_ca))
        until(
            lambda: (
                peer_serial(registry.port, both, new_operator.files) > 0
                and reloads(f"http://127.0.0.1:{registry.metrics_port}/metrics", "rejected") == 1
            )
        )
        kept = peer_serial(registry.port, both, new_operator.files)
        assert kept == renewed_registry.cert.serial_number
        assert registry.log().count("cannot be used") == 1
    finally:
        gateway.stop()
        registry.stop()
