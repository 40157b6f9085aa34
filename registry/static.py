"""Static discovery: the well-known localhost ports, or TRIPMESH_ENDPOINTS."""

from collections.abc import Callable

from registry.base import Discovery, Endpoint, EndpointsListener, Registration
from registry.known_services import KNOWN_SERVICES, discovery_name


class EndpointsSyntaxError(ValueError):
    """TRIPMESH_ENDPOINTS is not a list of `name=host:port` entries."""


def parse_address(address: str) -> Endpoint:
    """Parses "host:port" or "[v6]:port" into an Endpoint."""
    host, sep, port_text = address.strip().rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise EndpointsSyntaxError(f"{address!r} is not host:port")
    return Endpoint(host.strip("[]"), int(port_text), f"{host.strip('[]')}:{port_text}")


def parse_endpoints(text: str) -> dict[str, list[Endpoint]]:
    """Parses `planner=127.0.0.1:50052,planner=127.0.0.1:50152,budget=...`.

    A name may repeat (several instances); names may be short ("planner") or
    discovery names ("tripmesh-planner").
    """
    table: dict[str, list[Endpoint]] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sep, address = entry.partition("=")
        if not sep or not name.strip():
            raise EndpointsSyntaxError(f"entry {entry!r} is not name=host:port")
        table.setdefault(discovery_name(name.strip()), []).append(parse_address(address))
    return table


def default_endpoints(host: str = "127.0.0.1", port_offset: int = 0) -> dict[str, list[Endpoint]]:
    """Every known service on its well-known port (plus an offset)."""
    return {
        s.discovery_name: [Endpoint(host, s.port + port_offset, f"{host}:{s.port + port_offset}")]
        for s in KNOWN_SERVICES.values()
    }


class StaticDiscovery(Discovery):
    """Fixed endpoints. Registration is a no-op: the table is the truth."""

    def __init__(self, endpoints: dict[str, list[Endpoint]]) -> None:
        self._endpoints = endpoints

    @classmethod
    def from_text(cls, text: str = "") -> "StaticDiscovery":
        """The well-known ports, with the services named in `text` replaced."""
        table = default_endpoints()
        table.update(parse_endpoints(text))
        return cls(table)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def register(self, registration: Registration) -> None:
        return None

    async def deregister(self, registration: Registration) -> None:
        return None

    def endpoints(self, name: str) -> list[Endpoint]:
        return list(self._endpoints.get(discovery_name(name), []))

    async def resolve(self, name: str) -> list[Endpoint]:
        return self.endpoints(name)

    def watch(self, name: str, listener: EndpointsListener) -> Callable[[], None]:
        listener(self.endpoints(name))
        return lambda: None
