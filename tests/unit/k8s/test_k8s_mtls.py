"""The prod overlay runs the mesh on mTLS with cert-manager's certificates; dev stays plaintext."""

import copy
from collections.abc import Callable
from pathlib import PurePosixPath

import jsonschema
import pytest

from registry.known_services import KNOWN_SERVICES, KnownService
from services.runtime.tls import server_name, spiffe_id
from tests.unit.k8s import cert_manager
from tests.unit.k8s.manifests import Doc, by_kind, container

Render = Callable[[str], tuple[Doc, ...]]
TLS_VARIABLES = ("TRIPMESH_TLS_CERT", "TRIPMESH_TLS_KEY", "TRIPMESH_TLS_CA")


def config(docs: tuple[Doc, ...]) -> dict[str, str]:
    return dict(next(iter(by_kind(docs, "ConfigMap").values()))["data"])


def certificate_of(docs: tuple[Doc, ...], service: KnownService) -> Doc:
    [found] = [
        c
        for c in by_kind(docs, "Certificate").values()
        if c["spec"].get("uris") == [spiffe_id(service.name)]
    ]
    return found


@pytest.mark.parametrize("service", KNOWN_SERVICES.values(), ids=lambda s: s.name)
def test_each_service_mounts_its_own_certificate_from_the_mesh_ca(
    rendered: Render, service: KnownService
) -> None:
    docs = rendered("overlays/prod")
    settings = config(docs)
    certificate = certificate_of(docs, service)["spec"]
    assert server_name(service.discovery_name) in certificate["dnsNames"]
    assert {"server auth", "client auth"} <= set(certificate["usages"])
    issuer = by_kind(docs, "Issuer")[certificate["issuerRef"]["name"]]
    [authority] = [
        c
        for c in by_kind(docs, "Certificate").values()
        if c["spec"]["secretName"] == issuer["spec"]["ca"]["secretName"]
    ]
    assert authority["spec"]["isCA"] is True

    deployment = by_kind(docs, "Deployment")[service.name]
    [volume] = [v for v in deployment["spec"]["template"]["spec"]["volumes"] if "secret" in v]
    assert volume["secret"]["secretName"] == certificate["secretName"]
    mounts = {m["name"]: m for m in container(deployment)["volumeMounts"]}
    mount = mounts[volume["name"]]
    assert mount["readOnly"] is True
    files = {PurePosixPath(settings[v]) for v in TLS_VARIABLES}
    assert {f.parent for f in files} == {PurePosixPath(mount["mountPath"])}
    assert {f.name for f in files} == {"tls.crt", "tls.key", "ca.crt"}  # cert-manager's names


def test_the_ingress_speaks_https_to_the_gateway(rendered: Render) -> None:
    (ingress,) = by_kind(rendered("overlays/prod"), "Ingress").values()
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/backend-protocol"] == (
        "HTTPS"
    )


@pytest.mark.parametrize("overlay", ["base", "overlays/dev"])
def test_without_the_prod_overlay_the_mesh_stays_plaintext(rendered: Render, overlay: str) -> None:
    docs = rendered(overlay)
    assert not set(TLS_VARIABLES) & config(docs).keys()
    assert not [d for d in docs if cert_manager.is_cert_manager(d)]


def test_the_cert_manager_schema_catches_a_misspelt_field(rendered: Render) -> None:
    certificate = copy.deepcopy(
        next(iter(by_kind(rendered("overlays/prod"), "Certificate").values()))
    )
    cert_manager.validate(certificate)
    certificate["spec"]["dnsName"] = certificate["spec"].pop("dnsNames")
    with pytest.raises(jsonschema.ValidationError, match="dnsName"):
        cert_manager.validate(certificate)
