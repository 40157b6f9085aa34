"""`tripmesh certs`: a development CA and one certificate per service, for mTLS on one machine.

Each certificate names its holder twice: a SPIFFE URI SAN (`spiffe://tripmesh/<service>`),
which servers authorize callers by, and DNS SANs (the discovery name `tripmesh-<service>`,
the Kubernetes Service names, localhost) plus 127.0.0.1, which clients check servers by.
An extra `operator` certificate is for people: grpcurl, `tripmesh plan --grpc`, `status`;
a `consul` one is for Consul agents, which present it to run the services' gRPC health checks
(enable_agent_tls_for_checks), and may call nothing else (services.runtime.access).

Production certificates come from cert-manager (k8s/overlays/prod); these are for
`tripmesh up --tls` and tests. Keys are ECDSA P-256, written 0600 in a 0700 directory.
"""

import datetime
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from registry import KNOWN_SERVICES
from services.runtime import access
from services.runtime.tls import TlsFiles, spiffe_id

OPERATOR = "operator"  # the identity of people's tools: may call the public API, not the mesh's
CONSUL = access.CONSUL  # the Consul agents' identity: grpc.health.v1.Health/Check, nothing else
K8S_NAMESPACE = "tripmesh"
CA_VALIDITY = datetime.timedelta(days=730)
LEAF_VALIDITY = datetime.timedelta(days=365)
RENEW_BEFORE = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    """A private key and its certificate."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def identities() -> list[str]:
    """Whom `tripmesh certs` issues certificates to: every service, the operator, Consul."""
    return [*KNOWN_SERVICES, OPERATOR, CONSUL]


def dns_names(name: str) -> list[str]:
    """The DNS SANs of `name`'s certificate: what clients may dial it by."""
    names = ["localhost", name]
    if service := KNOWN_SERVICES.get(name):
        names.append(service.discovery_name)
        names += [f"{name}.{K8S_NAMESPACE}", f"{name}.{K8S_NAMESPACE}.svc"]
        names.append(f"{name}.{K8S_NAMESPACE}.svc.cluster.local")
    return names


def new_authority(now: datetime.datetime, common_name: str = "tripmesh development CA") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        _builder(subject, subject, key.public_key(), now, now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue(
    authority: Issued,
    name: str,
    *,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> Issued:
    """A certificate for `name`, for both ends of a connection (server and client auth)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    alt_names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(spiffe_id(name))]
    alt_names += [x509.DNSName(dns) for dns in dns_names(name)]
    alt_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ("127.0.0.1", "::1")]
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    ca_key_id = x509.SubjectKeyIdentifier.from_public_key(authority.key.public_key())
    cert = (
        _builder(subject, authority.cert.subject, key.public_key(), not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )
    return Issued(key, cert)


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def files(directory: Path, name: str) -> TlsFiles:
    """Where `name`'s certificate, key and the CA are (or will be) in `directory`."""
    return TlsFiles(directory / f"{name}.crt", directory / f"{name}.key", directory / "ca.crt")


def write(directory: Path, name: str, issued: Issued) -> None:
    """Writes `name`.crt (0644) and `name`.key (0600)."""
    key = issued.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(directory / f"{name}.key", key, 0o600)
    _write(directory / f"{name}.crt", issued.cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Creates the file with its mode from the start, so a key is never readable by others."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def generate(directory: Path, names: Iterable[str] | None = None) -> list[Path]:
    """A new CA and a certificate per identity in `directory` (made 0700 when it does not
    exist; an existing one keeps its mode, the keys are 0600 either way); returns the files."""
    if not directory.exists():
        directory.parent.mkdir(parents=True, exist_ok=True)
        directory.mkdir(mode=0o700)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)  # clock skew
    authority = new_authority(now)
    write(directory, "ca", authority)
    for name in names if names is not None else identities():
        write(
            directory, name, issue(authority, name, not_before=now, not_after=now + LEAF_VALIDITY)
        )
    return sorted(directory.iterdir())


def usable(directory: Path, now: datetime.datetime | None = None) -> bool:
    """Whether `directory` holds a CA and a certificate per identity, none about to expire."""
    now = now or datetime.datetime.now(datetime.UTC)
    needed = [files(directory, name) for name in identities()]
    paths = [p for f in needed for p in (f.cert, f.key)] + [directory / "ca.crt"]
    if not all(p.is_file() for p in paths):
        return False
    certs = [x509.load_pem_x509_certificate(p.read_bytes()) for p in paths if p.suffix == ".crt"]
    return all(c.not_valid_after_utc - RENEW_BEFORE > now for c in certs)


def ensure(directory: Path) -> bool:
    """Generates the certificates unless usable ones are there; True when it generated them."""
    if usable(directory):
        return False
    generate(directory)
    return True


def load_authority(directory: Path) -> Issued:
    """The CA of `directory` (tests issue extra certificates with it: expired ones, say)."""
    key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return Issued(key, x509.load_pem_x509_certificate((directory / "ca.crt").read_bytes()))
