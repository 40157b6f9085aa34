"""Outgoing calls: one long-lived channel per target service, built from discovery.

Every call carries the caller's remaining deadline minus a margin and its
request id; UNAVAILABLE is retried by gRPC's own retry policy with throttling
(the only retry layer between services).
"""

import asyncio
import ipaddress
import json
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import grpc

from registry import Discovery, Endpoint, discovery_name
from services.runtime import deadlines, errors, tls
from services.runtime.interceptors import REQUEST_ID_HEADER
from services.runtime.logs import correlation_id_var
from services.runtime.tracing import inject_trace_context

logger = logging.getLogger(__name__)

SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.05s",
                    "maxBackoff": "0.5s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ],
        "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
    }
)

StubT = TypeVar("StubT")


def channel_target(endpoints: list[Endpoint]) -> str:
    """A gRPC target naming every endpoint, so that round_robin spreads calls over them."""
    hosts = [e.host for e in endpoints]
    if all(_is_ip(h, 4) for h in hosts):
        return "ipv4:" + ",".join(e.address for e in endpoints)
    if all(_is_ip(h, 6) for h in hosts):
        return "ipv6:" + ",".join(e.address for e in endpoints)
    if len(endpoints) == 1:
        return f"dns:///{endpoints[0].address}"
    logger.warning("mixed host names %s: using the first endpoint only", hosts)
    return f"dns:///{endpoints[0].address}"


def _is_ip(host: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(host).version == version
    except ValueError:
        return False


class OutgoingInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor
):
    """Gives every call the remaining deadline (minus a margin), the request id and the trace."""

    def __init__(self, default_deadline: float, margin: float) -> None:
        self._default = default_deadline
        self._margin = margin

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        timeout = deadlines.budget(self._default, self._margin)
        if details.timeout is not None:
            timeout = min(timeout, details.timeout)
        if timeout <= 0:
            raise errors.DeadlineExceeded(
                f"no time left to call {details.method!r}", reason="DEADLINE_EXCEEDED"
            )
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        if (request_id := correlation_id_var.get()) and not metadata.get(REQUEST_ID_HEADER):
            metadata.add(REQUEST_ID_HEADER, request_id)
        inject_trace_context(metadata)
        return grpc.aio.ClientCallDetails(
            details.method, timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)

    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)


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


class ServiceClient(Generic[StubT]):
    """A stub that always uses the current channel of its service.

    Attribute access returns the method of a stub on the pool's current channel,
    so that callers keep one object while discovery moves the endpoints.
    """

    def __init__(self, pool: "ChannelPool", service: str, stub_class: Callable[[Any], StubT]):
        self._pool = pool
        self._service = service
        self._stub_class = stub_class
        self._stub: StubT | None = None
        self._stub_channel: grpc.aio.Channel | None = None

    @property
    def stub(self) -> StubT:
        """The typed stub on the current channel (raises UNAVAILABLE when none is healthy)."""
        channel = self._pool.channel(self._service)
        if channel is None:
            return _NoEndpointStub(self._service)  # type: ignore[return-value]
        if channel is not self._stub_channel:
            self._stub, self._stub_channel = self._stub_class(channel), channel
        assert self._stub is not None
        return self._stub


class _NoEndpointStub:
    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> _NoEndpoint:
        return _NoEndpoint(self._service)


class ChannelPool:
    """One channel per target service, rebuilt when discovery reports new endpoints."""

    def __init__(
        self,
        discovery: Discovery,
        *,
        default_deadline: float = 30.0,
        margin: float = 0.05,
        max_message_bytes: int = 4 * 1024 * 1024,
        credentials: grpc.ChannelCredentials | None = None,
    ) -> None:
        self._discovery = discovery
        self._credentials = credentials  # None: plaintext
        self._interceptors: list[grpc.aio.ClientInterceptor] = [
            OutgoingInterceptor(default_deadline, margin)
        ]
        self._options = [
            ("grpc.service_config", SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.keepalive_time_ms", 30_000),
        ]
        self._channels: dict[str, grpc.aio.Channel | None] = {}
        self._targets: dict[str, str] = {}
        self._unsubscribe: list[Callable[[], None]] = []
        self._retired: set[asyncio.Task[None]] = set()

    def client(self, service: str, stub_class: Callable[[Any], StubT]) -> ServiceClient[StubT]:
        """A client of `service` ("planner" or "tripmesh-planner") with the given stub class."""
        name = discovery_name(service)
        if name not in self._channels:
            self._channels[name] = None
            self._unsubscribe.append(self._discovery.watch(name, self._listener(name)))
        return ServiceClient(self, name, stub_class)

    def channel(self, service: str) -> grpc.aio.Channel | None:
        """The current channel of a service, or None when it has no healthy instance."""
        return self._channels.get(discovery_name(service))

    def _listener(self, name: str) -> Callable[[list[Endpoint]], None]:
        return lambda endpoints: self._update(name, endpoints)

    def _update(self, name: str, endpoints: list[Endpoint]) -> None:
        target = channel_target(sorted(endpoints)) if endpoints else ""
        if target == self._targets.get(name):
            return
        old = self._channels.get(name)
        self._targets[name] = target
        self._channels[name] = (
            tls.aio_channel(
                target,
                self._credentials,
                service=name,
                options=self._options,
                interceptors=self._interceptors,
            )
            if target
            else None
        )
        logger.info("channel to %s: %s", name, target or "no healthy instance")
        if old is not None:
            self._retire(old)

    def _retire(self, channel: grpc.aio.Channel) -> None:
        """Closes a replaced channel once its in-flight calls had time to finish."""
        try:
            task = asyncio.get_running_loop().create_task(channel.close(grace=30.0))
        except RuntimeError:
            return
        self._retired.add(task)
        task.add_done_callback(self._retired.discard)

    async def close(self) -> None:
        """Closes every channel."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        channels = [c for c in self._channels.values() if c is not None]
        self._channels.clear()
        self._targets.clear()
        await asyncio.gather(*(c.close(grace=1.0) for c in channels), return_exceptions=True)
