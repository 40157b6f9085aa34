"""Mutual TLS of the mesh: the one place that turns TRIPMESH_TLS_CERT, TRIPMESH_TLS_KEY and
TRIPMESH_TLS_CA into gRPC channel credentials, HTTPS contexts, and a caller's identity.
The servers and the long-lived clients follow the files as they are renewed (tls_reload.py).

Every service holds one certificate, signed by the mesh's CA, whose URI SAN is its SPIFFE id
(`spiffe://tripmesh/<service>`) and whose DNS SANs include its discovery name
(`tripmesh-<service>`). Servers require a client certificate from the same CA; clients check
the server's certificate against the CA *and* the name of the service they meant to call
(`grpc.ssl_target_name_override`), since discovery hands out bare IP addresses.

With the three variables unset, everything is plaintext, as before (bound to loopback).
"""

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TRUST_DOMAIN = "tripmesh"
SPIFFE_PREFIX = f"spiffe://{TRUST_DOMAIN}/"
# The property of gRPC's auth context with the peer certificate's SPIFFE id (gRPC sets it
# only for a certificate with exactly one URI SAN, and a well-formed one).
_SPIFFE_PROPERTY = "peer_spiffe_id"


def spiffe_id(name: str) -> str:
    """The identity of a service (or client) called `name`: spiffe://tripmesh/planner."""
    return SPIFFE_PREFIX + name


def server_name(discovery_name: str) -> str:
    """The DNS name every certificate of a service carries, checked by its clients."""
    return discovery_name


class TlsSettings(BaseSettings):
    """TRIPMESH_TLS_CERT, TRIPMESH_TLS_KEY, TRIPMESH_TLS_CA: all three, or none (plaintext)."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    tls_cert: Path | None = Field(None, description="PEM certificate of this service (mTLS).")
    tls_key: Path | None = Field(None, description="PEM private key of that certificate.")
    tls_ca: Path | None = Field(
        None, validate_default=True, description="PEM CA that signs every mesh certificate."
    )

    @field_validator("tls_cert", "tls_key", "tls_ca")
    @classmethod
    def _readable(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError("no readable file there")
        return path

    @field_validator("tls_ca")
    @classmethod
    def _all_or_none(cls, ca: Path | None, info: ValidationInfo) -> Path | None:
        """Checked on the last of the three (a field validator, not a model one, so that the
        message names a variable and never echoes the other settings)."""
        if not {"tls_cert", "tls_key"} <= info.data.keys():
            return ca  # one of them is unreadable, and already reported as such
        given = {
            "TRIPMESH_TLS_CERT": info.data.get("tls_cert"),
            "TRIPMESH_TLS_KEY": info.data.get("tls_key"),
            "TRIPMESH_TLS_CA": ca,
        }
        missing = [name for name, path in given.items() if path is None]
        if missing and len(missing) < len(given):
            raise ValueError(f"mTLS needs all three of {', '.join(given)}; missing {missing}")
        return ca

    @property
    def tls(self) -> "TlsFiles | None":
        """The certificate files, or None when TLS is off."""
        if self.tls_cert is None or self.tls_key is None or self.tls_ca is None:
            return None
        return TlsFiles(self.tls_cert, self.tls_key, self.tls_ca)


@dataclass(frozen=True)
class TlsFiles:
    """Where one party's certificate, key and the trusted CA live."""

    cert: Path
    key: Path
    ca: Path

    def read(self) -> tuple[bytes, bytes, bytes]:
        """(certificate chain, private key, CA), as PEM bytes."""
        return self.cert.read_bytes(), self.key.read_bytes(), self.ca.read_bytes()


def channel_credentials(files: TlsFiles) -> grpc.ChannelCredentials:
    """Credentials of a client: trusts the CA only, presents its own certificate."""
    chain, key, ca = files.read()
    return grpc.ssl_channel_credentials(
        root_certificates=ca, private_key=key, certificate_chain=chain
    )


def client_credentials(files: "TlsFiles | None") -> grpc.ChannelCredentials | None:
    """Channel credentials when TLS is on, None (plaintext) when it is off."""
    return channel_credentials(files) if files is not None else None


def channel_options(service: str, options: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """`options` plus the name the server's certificate must carry (its discovery name);
    without a service, the target's own host name or address is checked."""
    if not service:
        return list(options)
    return [*options, ("grpc.ssl_target_name_override", server_name(service))]


def aio_channel(
    target: str,
    credentials: grpc.ChannelCredentials | None,
    *,
    service: str,
    options: list[tuple[str, Any]] | None = None,
    interceptors: list[grpc.aio.ClientInterceptor] | None = None,
) -> grpc.aio.Channel:
    """A grpc.aio channel to `service` at `target`: mTLS with credentials, plaintext without."""
    if credentials is None:
        return grpc.aio.insecure_channel(target, options, interceptors=interceptors)
    secured = channel_options(service, options or [])
    return grpc.aio.secure_channel(target, credentials, secured, interceptors=interceptors)


def sync_channel(
    target: str,
    files: TlsFiles | None,
    *,
    service: str,
    options: list[tuple[str, Any]] | None = None,
) -> grpc.Channel:
    """A blocking channel (the command line's), mTLS when `files` is given."""
    if files is None:
        return grpc.insecure_channel(target, options)
    secured = channel_options(service, options or [])
    return grpc.secure_channel(target, channel_credentials(files), secured)


def client_ssl_context(files: TlsFiles) -> ssl.SSLContext:
    """An HTTPS client context (httpx): trusts the CA, presents the certificate."""
    context = ssl.create_default_context(cafile=str(files.ca))
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


def https_extensions(files: TlsFiles | None, service: str) -> dict[str, Any]:
    """httpx request extensions that check the server's certificate by the service's name
    (discovery gives a bare address), as `channel_options` does for gRPC."""
    return {"sni_hostname": server_name(service)} if files is not None else {}


def http_scheme(files: TlsFiles | None) -> str:
    """ "https" for the gateway (and a client of it) with TLS on, else "http"."""
    return "https" if files is not None else "http"


def peer_identity(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    """The caller's SPIFFE id from its verified certificate ("" without one)."""
    values = list(context.auth_context().get(_SPIFFE_PROPERTY, ()))
    return values[0].decode("utf-8", "replace") if values else ""
