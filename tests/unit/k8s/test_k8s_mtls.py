"""The prod overlay runs the mesh on mTLS with cert-manager's certificates; dev stays plaintext."""

import copy
from collections.abc import Callable
from pathlib import PurePosixPath

import jsonschema
import pytest

from registry.known_services import KNOWN_SERVICES, KnownService
from services.runtime.tls import server_name, spiffe_id
from tests.unit.k8s import cert_manager
from tests.unit.k8s.cert_manager import CERT_MANAGER_NAMESPACE, authority_of
from tests.unit.k8s.manifests import CONSUL_NAMESPACE, Doc, by_kind, container

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
    found = certificate_of(docs, service)
    certificate = found["spec"]
    assert found["metadata"]["namespace"] == "tripmesh"
    assert server_name(service.discovery_name) in certificate["dnsNames"]
    assert {"server auth", "client auth"} <= set(certificate["usages"])
    assert authority_of(docs, found)["metadata"]["name"] == "tripmesh-ca"

    deployment = by_kind(docs, "Deployment")[service.name]
    [volume] = [v for v in deployment["spec"]["template"]["spec"]["volumes"] if "secret" in v]
    assert volume["secret"]["secretName"] == certificate["secretName"]
    mounts = {m["name"]: m for m in container(deployment)["volumeMounts"]}
    mount = mounts[volume["name"]]
    assert mount["readOnly"] is True
    assert "subPath" not in mount  # the kubelet never updates a subPath: renewals would not show
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
        by_kind(rendered("overlays/prod"), "Certificate")["tripmesh-orchestrator"]
    )
    cert_manager.validate(certificate)
    certificate["spec"]["dnsName"] = certificate["spec"].pop("dnsNames")
    with pytest.raises(jsonschema.ValidationError, match="dnsName"):
        cert_manager.validate(certificate)


def test_the_mesh_ca_signs_through_a_cluster_issuer_from_cert_managers_namespace(
    rendered: Render,
) -> None:
    """One CA for the services and Consul's agents, which live in another namespace."""
    docs = rendered("overlays/prod")
    (issuer,) = by_kind(docs, "ClusterIssuer").values()
    assert "namespace" not in issuer["metadata"]
    assert not by_kind(docs, "Issuer").keys() - {"tripmesh-selfsigned"}
    leaves = [c for c in by_kind(docs, "Certificate").values() if not c["spec"].get("isCA")]
    assert {authority_of(docs, c)["metadata"]["name"] for c in leaves} == {"tripmesh-ca"}
    authority = by_kind(docs, "Certificate")["tripmesh-ca"]
    bootstrap = authority["spec"]["issuerRef"]
    assert bootstrap["kind"] == "Issuer"
    self_signed = by_kind(docs, "Issuer")[bootstrap["name"]]
    assert "selfSigned" in self_signed["spec"]
    assert self_signed["metadata"]["namespace"] == CERT_MANAGER_NAMESPACE


def test_prod_keeps_all_in_its_namespace_but_the_ca_and_the_consul_agents_certificate(
    rendered: Render,
) -> None:
    """The overlay sets a namespace only where a resource has none (unsetOnly)."""
    elsewhere = {
        (d["kind"], d["metadata"]["name"]): d["metadata"].get("namespace")
        for d in rendered("overlays/prod")
        if d["metadata"].get("namespace") != "tripmesh"
    }
    assert elsewhere == {
        ("Namespace", "tripmesh"): None,
        ("ClusterIssuer", "tripmesh-ca"): None,
        ("Issuer", "tripmesh-selfsigned"): CERT_MANAGER_NAMESPACE,
        ("Certificate", "tripmesh-ca"): CERT_MANAGER_NAMESPACE,
        ("Certificate", "tripmesh-consul"): CONSUL_NAMESPACE,
    }
