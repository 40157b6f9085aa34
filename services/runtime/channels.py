"""Outgoing calls: per target service, a BalancedChannel over one channel per replica,
following discovery.

Every call carries the caller's remaining deadline minus a margin and its
request id (outgoing.py). Retries, hedges and outlier ejection across replicas
live in balancing.py and replicas.py, the only retry layer between services:
the per-replica channels keep gRPC's transparent retries (a call that never
left the client) and have no retry policy of their own.
"""

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import grpc

from registry import Discovery, Endpoint, discovery_name
from services.runtime import errors, tls, tls_reload
from services.runtime.balancing import BalancedChannel, HedgeOptions
from services.runtime.outgoing import OutgoingInterceptor
from services.runtime.replicas import OutlierOptions, ReplicaSet
from services.runtime.retry_budget import RetryBudget

__all__ = ["ChannelPool", "OutgoingInterceptor", "Resilience", "ServiceClient"]

logger = logging.getLogger(__name__)

StubT = TypeVar("StubT")


@dataclass(frozen=True)
class Resilience:
    """How clients treat replicas: ejection, hedging, and the retry budget per service."""

    outliers: OutlierOptions = field(default_factory=OutlierOptions)
    hedging: HedgeOptions = field(default_factory=HedgeOptions)
    retry_ratio: float = 0.1
    retry_reserve: float = 10.0


def endpoint_target(endpoint: Endpoint) -> str:
    """The gRPC target of one endpoint (an IP literal skips the DNS resolver)."""
    try:
        version = ipaddress.ip_address(endpoint.host).version
    except ValueError:
        return f"dns:///{endpoint.address}"
    return f"ipv{version}:{endpoint.address}"


class _NoEndpoint:
    """Stands in for a stub method while a service has no healthy instance."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise errors.Unavailable(
            f"no healthy instance of {self._service}",
            reason="NO_HEALTHY_INSTANCE",
            metadata={"service": self._service},
            retry_after=1.0,
        )


class _NoEndpointStub:
    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> _NoEndpoint:
        return _NoEndpoint(self._service)


class ServiceClient(Generic[StubT]):
    """A typed stub on the service's BalancedChannel, or one that raises UNAVAILABLE while
    the service has no instance."""

    def __init__(self, pool: "ChannelPool", service: str, stub_class: Callable[[Any], StubT]):
        self._pool = pool
        self._service = service
        self._stub_class = stub_class
        self._stub: StubT | None = None

    @property
    def stub(self) -> StubT:
        channel = self._pool.channel(self._service)
        if channel is None:
            return _NoEndpointStub(self._service)  # type: ignore[return-value]
        if self._stub is None:
            self._stub = self._stub_class(channel)
        return self._stub


class ChannelPool:
    """A BalancedChannel per target service; its replicas follow discovery."""

    def __init__(
        self,
        discovery: Discovery,
        *,
        default_deadline: float = 30.0,
        margin: float = 0.05,
        max_message_bytes: int = 4 * 1024 * 1024,
        resilience: Resilience | None = None,
        certificates: tls_reload.CertificateWatch | None = None,
    ) -> None:
        self._discovery = discovery
        self._certificates = certificates  # None: plaintext
        self._generation = certificates.current().generation if certificates else 0
        self._default_deadline = default_deadline
        self._margin = margin
        self._resilience = resilience or Resilience()
        self._options: list[tuple[str, Any]] = [
            ("grpc.enable_retries", 1),  # transparent retries only: no policy configured
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.keepalive_time_ms", 30_000),
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2_000),
        ]
        self._balanced: dict[str, BalancedChannel] = {}
        self._unsubscribe: list[Callable[[], None]] = []
        self._retired: set[asyncio.Task[None]] = set()

    def client(
        self, service: str, stub_class: Callable[[Any], StubT], *, pure: bool = False
    ) -> ServiceClient[StubT]:
        """A client of `service` ("planner" or "tripmesh-planner") with the given stub class.

        `pure`: every method of the service is a function of its request, safe to send
        twice (hedged and retried on another replica); otherwise only reads and calls
        with a request_id are.
        """
        name = discovery_name(service)
        balanced = self._balanced.get(name)
        if balanced is None:
            balanced = self._balanced[name] = self._new_balanced(name)
            self._unsubscribe.append(self._discovery.watch(name, self._listener(name)))
        balanced.pure = balanced.pure or pure
        return ServiceClient(self, name, stub_class)

    def channel(self, service: str) -> BalancedChannel | None:
        """The channel of a service, or None when it has no healthy instance."""
        self._follow_certificates()
        balanced = self._balanced.get(discovery_name(service))
        return balanced if balanced is not None and balanced.replicas.replicas else None

    def _new_balanced(self, name: str) -> BalancedChannel:
        resilience = self._resilience
        return BalancedChannel(
            name,
            ReplicaSet(name, resilience.outliers),
            RetryBudget(resilience.retry_ratio, resilience.retry_reserve),
            RetryBudget(resilience.retry_ratio, resilience.retry_reserve),
            resilience.hedging,
            default_deadline=self._default_deadline,
            margin=self._margin,
        )

    def _listener(self, name: str) -> Callable[[list[Endpoint]], None]:
        return lambda endpoints: self._update(name, endpoints)

    def _update(self, name: str, endpoints: list[Endpoint]) -> None:
        balanced = self._balanced.get(name)
        if balanced is None:  # closed
            return
        replicas = balanced.replicas
        known = {r.address: r for r in replicas.replicas}
        wanted = {endpoint_target(e): e for e in sorted(endpoints)}
        if set(known) == set(wanted):
            return
        self._follow_certificates()  # before the new channels, which take the current one
        replicas.replicas = [
            known.get(target) or replicas.newcomer(target, self._new_channel(name, target))
            for target in wanted
        ]
        for target, replica in known.items():
            if target not in wanted:
                self._retire(replica.channel)
        logger.info("channels to %s: %s", name, ", ".join(wanted) or "no healthy instance")

    def _new_channel(self, name: str, target: str) -> grpc.aio.Channel:
        credentials = (
            self._certificates.current().channel_credentials if self._certificates else None
        )
        return tls.aio_channel(target, credentials, service=name, options=self._options)

    def _follow_certificates(self) -> None:
        """After the certificate files changed (renewed), a new channel to every replica with
        the new certificate; the old ones finish their calls and close."""
        if self._certificates is None:
            return
        current = self._certificates.current()
        if current.generation == self._generation:
            return
        self._generation = current.generation
        for name, balanced in self._balanced.items():
            for replica in balanced.replicas.replicas:
                retired = replica.channel
                replica.channel = self._new_channel(name, replica.address)
                replica.callables = {}
                # the replica stays: its calls (streams too) may take as long as they may
                self._retire(retired, grace=max(30.0, self._default_deadline))
        logger.info("new certificate (serial %x): channels reopened", current.serial)

    def _retire(self, channel: grpc.aio.Channel, grace: float = 30.0) -> None:
        """Closes a replaced channel once its in-flight calls had time to finish."""
        try:
            task = asyncio.get_running_loop().create_task(channel.close(grace=grace))
        except RuntimeError:
            return
        self._retired.add(task)
        task.add_done_callback(self._retired.discard)

    async def close(self) -> None:
        """Closes every channel."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        channels = [r.channel for b in self._balanced.values() for r in b.replicas.replicas]
        self._balanced.clear()
        await asyncio.gather(*(c.close(grace=1.0) for c in channels), return_exceptions=True)
