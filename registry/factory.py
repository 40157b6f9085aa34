"""Chooses the discovery backend from configuration."""

from dataclasses import dataclass

from registry.base import Discovery
from registry.static import StaticDiscovery


@dataclass(frozen=True)
class DiscoveryOptions:
    """What the backends need, read from the settings by the caller."""

    kind: str = "static"  # "static" or "consul"
    endpoints: str = ""  # TRIPMESH_ENDPOINTS
    consul_address: str = ""  # CONSUL_HTTP_ADDR
    consul_token: str = ""  # CONSUL_HTTP_TOKEN
    consul_ca_file: str = ""  # CONSUL_CACERT
    check_interval: float = 2.0
    check_timeout: float = 1.0


def create_discovery(options: DiscoveryOptions) -> Discovery:
    """The backend that the options select: Consul when asked for, static otherwise."""
    if options.kind == "consul":
        raise NotImplementedError("the Consul backend arrives with issue #6")
    return StaticDiscovery.from_text(options.endpoints)
