"""Settings of the Consul backend and the parsing of CONSUL_HTTP_ADDR."""

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from registry.errors import DiscoveryConfigError

DEFAULT_PORTS = {"http": 8500, "https": 8501}
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})


@dataclass(frozen=True)
class ConsulConfig:
    """Where Consul is and how this backend talks to it (times in seconds)."""

    address: str = ""  # CONSUL_HTTP_ADDR; empty: Consul's own default, 127.0.0.1:8500
    token: str = ""  # CONSUL_HTTP_TOKEN
    ca_file: str = ""  # CONSUL_CACERT
    check_interval: float = 2.0
    check_timeout: float = 1.0
    # The instances serve mTLS: gRPC checks with GRPCUseTLS, the gateway's over https. The
    # agent presents its own certificate (enable_agent_tls_for_checks), signed by the mesh's CA.
    tls_checks: bool = False
    # With tls_checks, whether the agent checks the instance's certificate too (against the
    # instance's discovery name: TLSServerName, Consul 1.10 or later).
    verify_checks: bool = False
    deregister_after: float = 60.0  # DeregisterCriticalServiceAfter: backstop for lost instances
    wait: float = 5.0  # blocking-query wait; changes return at once, so this only bounds idling
    request_timeout: float = 3.0  # every non-blocking call, and the slack on top of `wait`
    resync_interval: float = 3.0  # how often each registration checks that the agent still has it
    backoff_initial: float = 0.2
    backoff_max: float = 5.0
    resolve_timeout: float = 1.0  # how long resolve() waits for a first answer
    # After Consul comes back, how long an empty answer may not empty a non-empty cache:
    # an agent that lost its state needs a resync and a first check to list instances again.
    recovery_grace: float = 10.0


@dataclass(frozen=True)
class ConsulAddress:
    scheme: str
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_address(address: str) -> ConsulAddress:
    """Parses CONSUL_HTTP_ADDR as Consul's CLI does: `host:port` or `scheme://host:port`."""
    text = address.strip() or "127.0.0.1:8500"
    parts = urlsplit(text if "://" in text else f"http://{text}")
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme not in DEFAULT_PORTS or not parts.hostname or port == -1 or parts.path.strip("/"):
        raise DiscoveryConfigError(
            f"CONSUL_HTTP_ADDR={address!r} is not host:port or http(s)://host:port",
            reason="BAD_CONSUL_HTTP_ADDR",
            field="CONSUL_HTTP_ADDR",
        )
    return ConsulAddress(scheme, parts.hostname, port or DEFAULT_PORTS[scheme])


def duration(seconds: float) -> str:
    """A Consul duration ("1500ms"): milliseconds keep sub-second settings exact."""
    return f"{max(1, round(seconds * 1000))}ms"


def advertise_host(host: str, consul_host: str) -> str:
    """The address to register for a server bound to `host`.

    A wildcard bind address means nothing to other machines, so we take the local
    address of the route towards Consul: the address Consul (and its peers) can
    reach us on, such as the pod IP on Kubernetes. Blocking (it may resolve a name).
    """
    if host not in WILDCARD_HOSTS:
        return host.strip("[]")
    try:
        infos = socket.getaddrinfo(consul_host, 9, type=socket.SOCK_DGRAM)
        family, _, _, _, sockaddr = infos[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(sockaddr)  # UDP connect sends nothing; it only picks a route
            return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
