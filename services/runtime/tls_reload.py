"""Certificates renewed on disk, used without a restart.

cert-manager renews a certificate in place: the kubelet swaps the `..data` symlink of the
mounted Secret, so `tls.crt`, `tls.key` and `ca.crt` change together. A `CertificateWatch`
notices (the files' inode, size and times, at most once per CHECK_INTERVAL), reads them
again and checks them before it takes them: the chain and the CA parse, the key is the
certificate's, the certificate comes from the CA. A set that fails (a half-written file, a
key from another certificate) is refused, with one warning per change on disk, and the
previous certificate stays in use; the next change is tried again.

The users of the certificate follow the watch's `generation`:

- the gRPC servers' credentials (`server_credentials`) ask it on every handshake (gRPC's
  certificate-configuration fetcher), so a new connection gets the new certificate and CA;
- the client channels (ChannelPool, ChannelsByAddress, the task router's) open new channels
  with new credentials when it changed and let the old ones finish their calls;
- the gateway's HTTPS context loads the new chain on the live context (`reload_https`).

Connections already open keep the certificate they were set up with.
"""

import hashlib
import logging
import os
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
from prometheus_client import Counter, Gauge

from services.runtime.tls import TlsFiles

if TYPE_CHECKING:  # cryptography (8 MB a process) is imported only when TLS is on
    from cryptography import x509

logger = logging.getLogger(__name__)

CHECK_INTERVAL = 1.0  # seconds between two looks at the files (a few stat calls)

RELOADS = Counter(
    "tripmesh_tls_reloads_total",
    "Certificate files read again after they changed on disk, by result: loaded, or"
    " rejected (unusable; the previous certificate stays in use).",
    ["result"],
)
EXPIRY = Gauge(
    "tripmesh_tls_certificate_expiry_timestamp_seconds",
    "When the certificate this process presents expires (Unix time): one that comes near"
    " its end was not renewed, or its renewal was not taken. By file: none without TLS.",
    ["file"],
)

# What identifies a version of a file without reading it: (device, inode, size, mtime,
# ctime), or None while it is missing. A Secret update swaps a symlink: new inodes.
_Stamp = tuple[int, int, int, int, int] | None


class CertificateError(OSError):
    """The certificate files cannot be used (at start; later, the old ones stay)."""


@dataclass(frozen=True)
class Certificate:
    """One usable version of the files: what they held, and its place in the sequence."""

    chain: bytes
    key: bytes
    ca: bytes
    serial: int  # of the leaf certificate, for logs and tests
    expires: float  # the leaf's notAfter, Unix time
    generation: int  # 0 for the version read at start, +1 for each one taken later

    @cached_property
    def channel_credentials(self) -> grpc.ChannelCredentials:
        """gRPC client credentials: trust the CA, present the certificate."""
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca, private_key=self.key, certificate_chain=self.chain
        )

    def server_configuration(self) -> grpc.ServerCertificateConfiguration:
        return grpc.ssl_server_certificate_configuration([(self.key, self.chain)], self.ca)


def _leaf(chain: bytes, key: bytes, ca: bytes) -> "x509.Certificate":
    """The chain's first certificate, once the three are known to fit; raises ValueError
    naming what does not."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        certificates = x509.load_pem_x509_certificates(chain)
    except ValueError as exc:
        raise ValueError(f"the certificate does not parse ({exc})") from None
    try:
        authorities = x509.load_pem_x509_certificates(ca)
    except ValueError as exc:
        raise ValueError(f"the CA does not parse ({exc})") from None
    try:
        private = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"the key does not parse ({exc})") from None
    leaf = certificates[0]
    if _public_der(private.public_key()) != _public_der(leaf.public_key()):
        raise ValueError("the key is not the certificate's")
    if not any(c in authorities or _issued(c, authorities) for c in certificates):
        raise ValueError("the certificate does not come from the CA")
    return leaf


def _certificate(chain: bytes, key: bytes, ca: bytes, generation: int) -> Certificate:
    leaf = _leaf(chain, key, ca)
    expires = leaf.not_valid_after_utc.timestamp()
    return Certificate(chain, key, ca, leaf.serial_number, expires, generation)


def _public_der(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _issued(certificate: "x509.Certificate", authorities: "list[x509.Certificate]") -> bool:
    from cryptography.exceptions import InvalidSignature

    for authority in authorities:
        try:
            certificate.verify_directly_issued_by(authority)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


class CertificateWatch:
    """The current certificate of `files`, read again when they change on disk.

    Cheap to ask (`current()`): a clock read, and a few stat calls once per `interval`.
    Safe from any thread (gRPC asks from its own). The clock is injectable for tests.
    """

    def __init__(
        self,
        files: TlsFiles,
        *,
        interval: float = CHECK_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.files = files
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        stamp = self._stamp()
        try:
            chain, key, ca = files.read()
            self._current = _certificate(chain, key, ca, 0)
        except (OSError, ValueError) as exc:
            raise CertificateError(f"{files.cert}: {exc}") from None
        EXPIRY.labels(str(files.cert)).set(self._current.expires)
        for result in ("loaded", "rejected"):  # from 0, so that the first one shows in rates
            RELOADS.labels(result)
        self._digest = _digest(chain, key, ca)
        self._seen = stamp  # the files' stamp last decided on, taken or refused
        self._due = clock() + interval

    def current(self) -> Certificate:
        """The certificate to use now: the newest usable version of the files."""
        now = self._clock()
        if now < self._due:
            return self._current
        with self._lock:
            if now >= self._due:
                self._due = now + self._interval
                self._look()
            return self._current

    def _look(self) -> None:
        stamp = self._stamp()
        if stamp == self._seen:
            return
        try:
            chain, key, ca = self.files.read()
        except OSError as exc:
            return self._refuse(stamp, str(exc))
        if self._stamp() != stamp:
            return  # changing while read (a copy under way): decide at the next look
        self._seen = stamp
        digest = _digest(chain, key, ca)
        if digest == self._digest:
            return  # the same content again (touched, or rewritten as it was)
        previous = self._current
        try:
            current = _certificate(chain, key, ca, previous.generation + 1)
        except ValueError as exc:
            return self._refuse(stamp, str(exc))
        self._current, self._digest = current, digest
        RELOADS.labels("loaded").inc()
        EXPIRY.labels(str(self.files.cert)).set(current.expires)
        logger.info(
            "certificate %s reloaded: serial %x (was %x)",
            self.files.cert,
            current.serial,
            previous.serial,
        )

    def _refuse(self, stamp: tuple[_Stamp, ...], reason: str) -> None:
        self._seen = stamp  # once per change: the same files are not tried again
        RELOADS.labels("rejected").inc()
        logger.warning(
            "certificate files changed but cannot be used, keeping serial %x (%s: %s)",
            self._current.serial,
            self.files.cert,
            reason,
        )

    def _stamp(self) -> tuple[_Stamp, ...]:
        return tuple(_file_stamp(p) for p in (self.files.cert, self.files.key, self.files.ca))


def _file_stamp(path: Path) -> _Stamp:
    try:
        found = os.stat(path)  # follows the symlinks: a swapped `..data` gives new inodes
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _digest(*parts: bytes) -> bytes:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(len(part).to_bytes(8, "big"))
        hashed.update(part)
    return hashed.digest()


_watches: dict[TlsFiles, CertificateWatch] = {}
_watches_lock = threading.Lock()


def watch(files: TlsFiles) -> CertificateWatch:
    """The process's one watch of `files` (its servers and clients share it: one reload,
    one warning, one count per change)."""
    with _watches_lock:
        found = _watches.get(files)
        if found is None:
            found = _watches[files] = CertificateWatch(files)
        return found


def watch_if(files: TlsFiles | None) -> CertificateWatch | None:
    """The watch of `files`, or None when TLS is off."""
    return watch(files) if files is not None else None


class _ConfigurationFetcher:
    """What gRPC asks before each handshake: a new configuration, or None for no change."""

    def __init__(self, certificates: CertificateWatch) -> None:
        self._certificates = certificates
        self._generation = certificates.current().generation

    def __call__(self) -> grpc.ServerCertificateConfiguration | None:
        try:
            current = self._certificates.current()
            if current.generation == self._generation:
                return None
            configuration = current.server_configuration()
        except Exception:  # never fail a handshake over a reload: keep what gRPC has
            logger.warning("certificate reload failed", exc_info=True)
            return None
        self._generation = current.generation
        return configuration


def server_credentials(certificates: CertificateWatch) -> grpc.ServerCredentials:
    """Credentials of a gRPC server that only speaks to holders of a certificate from the CA,
    and that follows the files: each new connection gets the current certificate and CA."""
    return grpc.dynamic_ssl_server_credentials(
        certificates.current().server_configuration(),
        # the stubs leave out what gRPC documents: a fetcher answers None for "no change"
        _ConfigurationFetcher(certificates),  # type: ignore[arg-type]
        require_client_authentication=True,
    )


def load_chain(context: ssl.SSLContext, certificate: Certificate) -> None:
    """Loads the certificate and key into `context` (ssl reads them from files only: a
    private temporary directory holds the bytes checked, not what the files hold now)."""
    with tempfile.TemporaryDirectory(prefix="tripmesh-tls-") as directory:  # 0700
        chain, key = Path(directory, "chain.pem"), Path(directory, "key.pem")
        chain.write_bytes(certificate.chain)
        descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(certificate.key)
        # A context whose load fails may be left with the new certificate and no key: try a
        # scratch one first, so that the live one only ever gets a pair that loads.
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(chain, key)
        context.load_cert_chain(chain, key)


def client_ssl_context(certificate: Certificate) -> ssl.SSLContext:
    """An HTTPS client context (httpx) of one version of the files: trusts its CA, presents
    its certificate."""
    context = ssl.create_default_context(cadata=certificate.ca.decode("ascii"))
    load_chain(context, certificate)
    return context


def reload_https(context: ssl.SSLContext, certificates: CertificateWatch) -> None:
    """Makes the server context `context` serve the current certificate of `certificates`
    from each handshake on: it looks at the files as a handshake begins (the server-name
    callback, called with or without SNI) and loads a new version before answering."""
    first = certificates.current()
    load_chain(context, first)  # what the watch checked, whatever the files hold by now
    generation = first.generation

    def on_hello(connection: ssl.SSLObject | ssl.SSLSocket, _name: str | None, _: Any) -> None:
        nonlocal generation
        try:
            current = certificates.current()
            if current.generation == generation:
                return
            generation = current.generation  # tried once, loaded or not
            load_chain(context, current)  # for the next connections
            # This one copied the old chain from `context` as it began: it takes the new one
            # from another context (OpenSSL ignores setting the same one again), and only the
            # certificate, not that context's other settings (as a server switching by SNI).
            carrier = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            load_chain(carrier, current)
            connection.context = carrier
        except Exception:  # the context keeps the chain it had
            logger.warning("certificate reload failed", exc_info=True)

    context.sni_callback = on_hello
