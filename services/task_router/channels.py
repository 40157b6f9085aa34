"""One channel per provider instance, so that the router, not gRPC's balancer, picks the instance.

No gRPC retry policy here: the router's own failover is the only retry layer of
this hop. Reconnect backoff is kept short so that an instance that comes back
is reachable again soon after its ejection ends.
"""

import asyncio
from typing import TYPE_CHECKING, Any

import grpc
from tripmesh.v1 import tool_service_pb2_grpc

from registry import discovery_name
from services.runtime import tls, tls_reload
from services.runtime.channels import OutgoingInterceptor

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.tool_service_pb2_grpc import ToolServiceAsyncStub


class InstanceChannels:
    def __init__(
        self,
        *,
        default_deadline: float,
        margin: float,
        max_message_bytes: int,
        certificates: tls_reload.CertificateWatch | None = None,
    ) -> None:
        self._certificates = certificates  # None: plaintext
        self._generation = certificates.current().generation if certificates else 0
        self._interceptors: list[grpc.aio.ClientInterceptor] = [
            OutgoingInterceptor(default_deadline, margin)
        ]
        self._options: list[tuple[str, Any]] = [
            ("grpc.enable_retries", 0),
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.keepalive_time_ms", 30_000),
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2_000),
        ]
        self._channels: dict[str, tuple[grpc.aio.Channel, ToolServiceAsyncStub]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def stub(self, endpoint: str, service: str) -> "ToolServiceAsyncStub":
        """The ToolService stub of the instance of `service` at `endpoint` ("host:port")."""
        credentials = None
        if self._certificates is not None:
            current = self._certificates.current()
            if current.generation != self._generation:  # renewed: reconnect with the new one
                self._generation = current.generation
                for known in list(self._channels):
                    self.reset(known)
            credentials = current.channel_credentials
        entry = self._channels.get(endpoint)
        if entry is None:
            channel = tls.aio_channel(
                endpoint,
                credentials,
                service=discovery_name(service),  # with mTLS, the name its certificate must hold
                options=self._options,
                interceptors=self._interceptors,
            )
            stub: Any = tool_service_pb2_grpc.ToolServiceStub(channel)
            entry = self._channels[endpoint] = (channel, stub)
        return entry[1]

    def reset(self, endpoint: str) -> None:
        """Drops the channel to `endpoint`; the next call connects afresh (after an ejection)."""
        entry = self._channels.pop(endpoint, None)
        if entry is not None:
            task = asyncio.get_running_loop().create_task(entry[0].close(grace=5.0))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        channels = [channel for channel, _ in self._channels.values()]
        self._channels.clear()
        await asyncio.gather(*(c.close(grace=1.0) for c in channels), return_exceptions=True)
        await asyncio.gather(*self._closing, return_exceptions=True)
