"""Asking one instance, not a service, for its health: a channel per address (the balanced
channels of the pool spread calls over instances, so they cannot), and the Check call.

The gateway's /readyz and /v1/mesh and the monitor's probes all ask this way.
"""

import asyncio

import grpc
from grpc_health.v1 import health_pb2

from services.runtime import tls, tls_reload
from services.runtime.balancing import BalancedChannel

CHECK = "/grpc.health.v1.Health/Check"


async def health_status(
    channel: grpc.aio.Channel | BalancedChannel, service: str, timeout: float
) -> str:
    """The health status name of `service` on `channel`: "SERVING", "UNREACHABLE", ..."""
    check = channel.unary_unary(
        CHECK,
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    try:
        reply = await check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    except grpc.aio.AioRpcError as exc:
        code = exc.code()
        return "UNREACHABLE" if code is grpc.StatusCode.UNAVAILABLE else str(code.name)
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


class ChannelsByAddress:
    """One channel per instance address, opened on first use, kept until `close()` or until
    the certificate files change (then each is opened again with the new certificate)."""

    def __init__(self, certificates: tls_reload.CertificateWatch | None) -> None:
        self._certificates = certificates  # mTLS: this process's certificate; None: plaintext
        self._generation = certificates.current().generation if certificates else 0
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def get(self, address: str, service: str) -> grpc.aio.Channel:
        """The channel to `address`, whose certificate must name `service` under mTLS."""
        credentials = None
        if self._certificates is not None:
            current = self._certificates.current()
            if current.generation != self._generation:
                self._generation = current.generation
                self._retire()
            credentials = current.channel_credentials
        channel = self._channels.get(address)
        if channel is None:
            channel = self._channels[address] = tls.aio_channel(
                address, credentials, service=service
            )
        return channel

    def _retire(self) -> None:
        """Closes every channel once its calls had time to finish."""
        channels, self._channels = list(self._channels.values()), {}
        loop = asyncio.get_running_loop()
        for channel in channels:
            task = loop.create_task(channel.close(grace=5.0))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        channels, self._channels = list(self._channels.values()), {}
        await asyncio.gather(*(c.close() for c in channels), return_exceptions=True)
        await asyncio.gather(*self._closing, return_exceptions=True)
