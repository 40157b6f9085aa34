"""Generic gRPC calls to the services behind the routes, on the ChannelPool's channels.

No generated stubs: each RPC gets a multicallable built from its message
classes, cached per channel and rebuilt only when discovery replaces the
channel.
"""

from collections.abc import Iterable
from typing import Any

from google.protobuf.message import Message

from gateway.errors import gateway_error
from gateway.rules import Route, RpcMethod
from services.runtime.balancing import BalancedChannel
from services.runtime.channels import ChannelPool
from services.runtime.errors import Unavailable


def _channel_itself(channel: BalancedChannel) -> BalancedChannel:
    return channel


class Upstreams:
    """Multicallables of the routed RPCs, on the current channel of each service."""

    def __init__(self, pool: ChannelPool, services: Iterable[str]) -> None:
        self.pool = pool
        self.services = sorted(set(services))
        for service in self.services:
            pool.client(service, _channel_itself)  # subscribes to discovery
        self._callables: dict[str, tuple[BalancedChannel, dict[str, Any]]] = {}

    def channel(self, service: str) -> BalancedChannel:
        """The channel of `service`; raises HttpError 503 when it has no healthy instance."""
        channel = self.pool.channel(service)
        if channel is None:
            raise gateway_error(
                Unavailable,
                f"no healthy instance of {service}",
                reason="NO_HEALTHY_INSTANCE",
                metadata={"service": service},
                retry_after=1.0,
            )
        return channel

    def callable(self, rpc: RpcMethod) -> Any:
        """The unary-unary or unary-stream multicallable of `rpc`."""
        channel = self.channel(rpc.upstream)
        cached = self._callables.get(rpc.upstream)
        if cached is None or cached[0] is not channel:
            cached = (channel, {})
            self._callables[rpc.upstream] = cached
        callables = cached[1]
        found = callables.get(rpc.path)
        if found is None:
            found = callables[rpc.path] = _multicallable(channel, rpc)
        return found

    def callable_for(self, route: Route, request: Message) -> Any:
        """The multicallable of `route` for `request`: on the replica the route chooses for
        it (gateway.rules.ReplicaChoice) while discovery lists it, else balanced."""
        if route.replica is not None:
            channel = self.channel(route.rpc.upstream)
            address = route.replica(request, [r.address for r in channel.replicas.replicas])
            pinned = channel.on_replica(address) if address else None
            if pinned is not None:
                return _multicallable(pinned, route.rpc)
        return self.callable(route.rpc)


def _multicallable(channel: BalancedChannel, rpc: RpcMethod) -> Any:
    factory = channel.unary_stream if rpc.server_streaming else channel.unary_unary
    return factory(
        rpc.path,
        request_serializer=rpc.input_type.SerializeToString,
        response_deserializer=rpc.output_type.FromString,
    )
