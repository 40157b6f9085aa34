"""cert-manager's resources (cert-manager.io/v1 Issuer, ClusterIssuer and Certificate), checked
without its CRDs.

kubernetes-validate knows Kubernetes' own kinds only (it raises SchemaNotFoundError for a
CRD's), and cert-manager's CRD schemas are on no package index this project installs from. So
these JSON Schemas, written from cert-manager's v1 API reference, cover the fields the prod
overlay uses, as strictly as kubernetes-validate's `strict`: a misspelt or unknown field, a
wrong type, an unknown key usage or algorithm fails. They are not the CRDs: a field they do
not list fails too, and is added here when a manifest starts using it.
"""

from typing import Any

import jsonschema

from tests.unit.k8s.manifests import Doc, by_kind

# Where a ClusterIssuer reads its CA's Secret: cert-manager's "cluster resource namespace".
CERT_MANAGER_NAMESPACE = "cert-manager"
GO_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"
USAGES = [
    "signing",
    "digital signature",
    "content commitment",
    "key encipherment",
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
    "any",
    "server auth",
    "client auth",
    "code signing",
    "email protection",
    "s/mime",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "timestamping",
    "ocsp signing",
    "microsoft sgc",
    "netscape sgc",
]


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


_STRING = {"type": "string", "minLength": 1}
_STRINGS = {"type": "array", "items": _STRING, "minItems": 1}
_DURATION = {"type": "string", "pattern": GO_DURATION}
_METADATA = _object(
    ["name"],
    name=_STRING,
    namespace=_STRING,
    labels={"type": "object", "additionalProperties": {"type": "string"}},
    annotations={"type": "object", "additionalProperties": {"type": "string"}},
)
# A ClusterIssuer is cluster-scoped: a namespace in its metadata would mean a kustomization
# that took it for a namespaced kind (k8s/overlays/prod/kustomization.yaml removes it).
_CLUSTER_METADATA = _object(
    ["name"], **{k: v for k, v in _METADATA["properties"].items() if k != "namespace"}
)
_ISSUER_REF = _object(
    ["name"],
    name=_STRING,
    kind={"enum": ["Issuer", "ClusterIssuer"]},
    group={"const": "cert-manager.io"},
)
_CERTIFICATE_SPEC = _object(
    ["secretName", "issuerRef"],
    secretName=_STRING,
    issuerRef=_ISSUER_REF,
    isCA={"type": "boolean"},
    commonName={"type": "string", "maxLength": 64},
    uris={"type": "array", "items": {"type": "string", "pattern": "^[a-z][a-z0-9+.-]*://"}},
    dnsNames=_STRINGS,
    usages={"type": "array", "items": {"enum": USAGES}},
    privateKey=_object(
        [],
        algorithm={"enum": ["RSA", "ECDSA", "Ed25519"]},
        size={"type": "integer"},
        encoding={"enum": ["PKCS1", "PKCS8"]},
        rotationPolicy={"enum": ["Never", "Always"]},
    ),
    duration=_DURATION,
    renewBefore=_DURATION,
)
_ISSUER_SPEC = {
    **_object([], selfSigned=_object([]), ca=_object(["secretName"], secretName=_STRING)),
    "minProperties": 1,
    "maxProperties": 1,
}
SCHEMAS = {
    kind: _object(
        ["apiVersion", "kind", "metadata", "spec"],
        apiVersion={"const": "cert-manager.io/v1"},
        kind={"const": kind},
        metadata=metadata,
        spec=spec,
    )
    for kind, metadata, spec in (
        ("Certificate", _METADATA, _CERTIFICATE_SPEC),
        ("Issuer", _METADATA, _ISSUER_SPEC),
        ("ClusterIssuer", _CLUSTER_METADATA, _ISSUER_SPEC),
    )
}


def is_cert_manager(doc: dict[str, Any]) -> bool:
    return str(doc.get("apiVersion", "")).startswith("cert-manager.io/")


def validate(doc: dict[str, Any]) -> None:
    """Raises jsonschema.ValidationError when `doc` is no valid (Cluster)Issuer or Certificate."""
    schema = SCHEMAS.get(doc.get("kind", ""))
    if schema is None:
        raise jsonschema.ValidationError(f"no schema for cert-manager kind {doc.get('kind')!r}")
    jsonschema.validate(doc, schema)


def authority_of(docs: tuple[Doc, ...], certificate: Doc) -> Doc:
    """The CA Certificate whose key pair signs `certificate`, through its issuer."""
    reference = certificate["spec"]["issuerRef"]
    issuer = by_kind(docs, reference["kind"])[reference["name"]]
    namespace = (
        CERT_MANAGER_NAMESPACE
        if reference["kind"] == "ClusterIssuer"
        else certificate["metadata"]["namespace"]
    )
    [authority] = [
        c
        for c in by_kind(docs, "Certificate").values()
        if c["spec"]["secretName"] == issuer["spec"]["ca"]["secretName"]
        and c["metadata"]["namespace"] == namespace
    ]
    assert authority["spec"]["isCA"] is True
    return authority
