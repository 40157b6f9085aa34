"""A certificate directory updated the way the kubelet updates a mounted Secret.

`tls.crt`, `tls.key` and `ca.crt` are symlinks into `..data`, itself a symlink to the
current version's directory; an update writes a new version directory and swaps `..data`
in one rename, so the three files change together.
"""

import datetime
import os
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from services import certs
from services.runtime.tls import TlsFiles

NAMES = ("tls.crt", "tls.key", "ca.crt")


def pem_key(issued: certs.Issued) -> bytes:
    return issued.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def pem_cert(issued: certs.Issued) -> bytes:
    return issued.cert.public_bytes(serialization.Encoding.PEM)


def issue(authority: certs.Issued, name: str) -> certs.Issued:
    """A certificate for `name` from `authority`, valid now (a new serial each time)."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    return certs.issue(authority, name, not_before=now, not_after=now + datetime.timedelta(days=90))


class SecretVolume:
    """The mount of one service's Secret."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._versions = 0

    @property
    def files(self) -> TlsFiles:
        return TlsFiles(*(self.directory / name for name in NAMES))

    def publish(self, chain: bytes, key: bytes, ca: bytes) -> None:
        """A new version of the three files, swapped in at once."""
        self._versions += 1
        version = self.directory / f"..v{self._versions}"
        version.mkdir()
        for name, data in zip(NAMES, (chain, key, ca), strict=True):
            (version / name).write_bytes(data)
        (version / "tls.key").chmod(0o600)
        swap = self.directory / "..data_tmp"
        swap.symlink_to(version.name)
        os.replace(swap, self.directory / "..data")  # the kubelet's atomic update
        for name in NAMES:
            link = self.directory / name
            if not link.is_symlink():
                link.symlink_to(f"..data/{name}")

    def issue(self, authority: certs.Issued, name: str) -> certs.Issued:
        """Publishes a new certificate for `name` from `authority`; returns it."""
        issued = issue(authority, name)
        self.publish(pem_cert(issued), pem_key(issued), pem_cert(authority))
        return issued


def serial(pem_or_der: bytes) -> int:
    """The serial number of a certificate, PEM or DER."""
    if pem_or_der.startswith(b"-----"):
        return x509.load_pem_x509_certificate(pem_or_der).serial_number
    return x509.load_der_x509_certificate(pem_or_der).serial_number


def peer_serial(
    port: int, ca: bytes, client: TlsFiles | None = None, *, sni: str | None = None
) -> int:
    """The serial of the certificate the server on 127.0.0.1:`port` presents to a new TLS
    connection; with `client`, as a gRPC client does it (its certificate, ALPN h2)."""
    context = ssl.create_default_context(cadata=ca.decode("ascii"))
    context.check_hostname = False
    if client is not None:
        context.load_cert_chain(client.cert, client.key)
        context.set_alpn_protocols(["h2"])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=sni) as secured,
    ):
        der = secured.getpeercert(binary_form=True)
    assert der is not None
    return serial(der)
