"""The TLS settings, the development certificates and the table of who may call what."""

import datetime
import importlib
import pkgutil
from pathlib import Path

import pytest
import tripmesh.v1

from services import certs
from services.runtime import access
from services.runtime.settings import RuntimeSettings, SettingsError, load_settings
from services.runtime.tls import spiffe_id


def every_tripmesh_method() -> list[str]:
    methods = []
    for module in pkgutil.iter_modules(tripmesh.v1.__path__):
        if module.name.endswith("_pb2"):
            descriptor = importlib.import_module(f"tripmesh.v1.{module.name}").DESCRIPTOR
            for service in descriptor.services_by_name.values():
                methods += [f"/{service.full_name}/{m.name}" for m in service.methods]
    return methods


@pytest.mark.parametrize("method", every_tripmesh_method())
def test_every_rpc_has_callers_and_none_is_open_to_anyone(method: str) -> None:
    allowed = access.callers(method)
    assert allowed, f"{method} is in no row of services.runtime.access.ACCESS"
    assert access.ANYONE not in allowed


def test_internal_rpcs_are_for_the_mesh_services_that_make_those_calls() -> None:
    record = access.callers("/tripmesh.v1.PerformanceMonitorService/RecordExecutions")
    assert spiffe_id("orchestrator") in record
    assert spiffe_id("gateway") not in record  # it reports nothing
    assert spiffe_id(access.OPERATOR) not in record
    register = access.callers("/tripmesh.v1.ToolRegistryService/RegisterTool")
    assert register == {spiffe_id(name) for name in access.AGENTS}
    listing = access.callers("/tripmesh.v1.ToolRegistryService/ListTools")
    assert spiffe_id(access.OPERATOR) in listing
    assert access.callers("/tripmesh.v1.ToolService/InvokeTool") == {spiffe_id("task-router")}


def test_health_and_reflection_are_open_and_unknown_rpcs_closed() -> None:
    reflection = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    assert access.is_open("/grpc.health.v1.Health/Check")
    for identity in (spiffe_id(access.OPERATOR), spiffe_id("planner"), ""):
        assert access.may_call(identity, "/grpc.health.v1.Health/Watch")
        assert access.may_call(identity, reflection)
    assert access.callers("/tripmesh.v1.NewService/Anything") == frozenset()


def test_consul_may_call_health_check_and_nothing_else() -> None:
    """Its certificate only gets Consul's gRPC checks through (enable_agent_tls_for_checks)."""
    consul = spiffe_id(certs.CONSUL)
    assert consul in access.LIMITED
    assert access.may_call(consul, "/grpc.health.v1.Health/Check")
    assert not access.is_open("/grpc.health.v1.Health/Watch")  # open, but not to Consul
    # Every row of the table (a service's rows as one of its methods), every tripmesh RPC.
    rows = [f"/{row}" if "/" in row else f"/{row}/AnyMethod" for row in access.ACCESS]
    allowed = [m for m in [*rows, *every_tripmesh_method()] if access.may_call(consul, m)]
    assert allowed == ["/grpc.health.v1.Health/Check"]


def test_tls_settings_come_all_three_or_not_at_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert load_settings(RuntimeSettings).tls is None
    certs.generate(tmp_path, names=["planner"])
    monkeypatch.setenv("TRIPMESH_TLS_CERT", str(tmp_path / "planner.crt"))
    with pytest.raises(SettingsError, match="TRIPMESH_TLS_KEY") as partial:
        load_settings(RuntimeSettings)
    assert "TRIPMESH_TLS_CA" in str(partial.value)
    monkeypatch.setenv("TRIPMESH_TLS_KEY", str(tmp_path / "planner.key"))
    monkeypatch.setenv("TRIPMESH_TLS_CA", str(tmp_path / "missing.crt"))
    with pytest.raises(SettingsError, match=r"TRIPMESH_TLS_CA: .*no readable file") as missing:
        load_settings(RuntimeSettings)
    assert "TRIPMESH_TLS_CERT" not in str(missing.value)
    monkeypatch.setenv("TRIPMESH_TLS_CA", str(tmp_path / "ca.crt"))
    files = load_settings(RuntimeSettings).tls
    assert files is not None
    assert files.cert == tmp_path / "planner.crt"


def test_up_regenerates_certificates_only_when_missing_or_expiring(tmp_path: Path) -> None:
    assert not certs.usable(tmp_path)
    assert certs.ensure(tmp_path) is True
    assert certs.ensure(tmp_path) is False
    in_a_year = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=365)
    assert not certs.usable(tmp_path, now=in_a_year)
    (tmp_path / "guide.key").unlink()
    assert not certs.usable(tmp_path)


def test_certs_keeps_a_usable_ca_unless_forced_and_an_existing_directory_its_mode(
    tmp_path: Path,
) -> None:
    from services.cli import main

    directory = tmp_path / "certs"
    assert main(["certs", "--dir", str(directory)]) == 0
    assert directory.stat().st_mode & 0o777 == 0o700
    first = (directory / "ca.crt").read_bytes()
    assert main(["certs", "--dir", str(directory)]) == 2
    assert (directory / "ca.crt").read_bytes() == first
    assert main(["certs", "--dir", str(directory), "--force"]) == 0
    assert (directory / "ca.crt").read_bytes() != first

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    certs.generate(shared, names=["planner"])
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "planner.key").stat().st_mode & 0o777 == 0o600
