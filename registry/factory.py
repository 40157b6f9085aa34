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
    tls_checks: bool = False  # the instance serves mTLS (TRIPMESH_TLS_*): checks use TLS too
    verify_checks: bool = False  # TRIPMESH_CONSUL_VERIFY_CHECKS: Consul checks the instance too


def create_discovery(options: DiscoveryOptions) -> Discovery:
    """The backend that the options select: Consul when asked for, static otherwise."""
    if options.kind == "consul":
        from registry.consul import ConsulConfig, ConsulDiscovery  # aiohttp only when used

        return ConsulDiscovery(
            ConsulConfig(
                address=options.consul_address,
                token=options.consul_token,
                ca_file=options.consul_ca_file,
                check_interval=options.check_interval,
                check_timeout=options.check_timeout,
                tls_checks=options.tls_checks,
                verify_checks=options.verify_checks,
            )
        )
    return StaticDiscovery.from_text(options.endpoints)
