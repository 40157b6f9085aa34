"""The discovery interface that every backend implements."""

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

EndpointsListener = Callable[[list["Endpoint"]], None]


@dataclass(frozen=True, order=True)
class Endpoint:
    """A reachable instance of a service."""

    host: str
    port: int
    instance_id: str = ""

    @property
    def address(self) -> str:
        """ "host:port", with brackets around an IPv6 host."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class Registration:
    """What an instance tells discovery about itself when it starts."""

    name: str  # discovery name, such as "tripmesh-planner"
    instance_id: str
    host: str
    port: int
    tags: tuple[str, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)


class Discovery(abc.ABC):
    """Registers instances and resolves service names to healthy endpoints.

    Reads (`endpoints`) never wait on the network: backends keep a cache that a
    background watch refreshes, so that a request never waits on discovery.
    """

    @abc.abstractmethod
    async def start(self) -> None:
        """Starts background work (watches, re-registration)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Stops background work. Does not deregister."""

    @abc.abstractmethod
    async def register(self, registration: Registration) -> None:
        """Announces an instance. Backends keep trying in the background on failure."""

    @abc.abstractmethod
    async def deregister(self, registration: Registration) -> None:
        """Withdraws an instance (during a drain, before the server stops)."""

    @abc.abstractmethod
    def endpoints(self, name: str) -> list[Endpoint]:
        """The last known healthy endpoints of a service, from the cache."""

    @abc.abstractmethod
    async def resolve(self, name: str) -> list[Endpoint]:
        """Healthy endpoints of a service, waiting briefly for a first answer if none is cached."""

    @abc.abstractmethod
    def watch(self, name: str, listener: EndpointsListener) -> Callable[[], None]:
        """Calls `listener` with the endpoints each time they change; returns an unsubscribe."""
