"""The endpoint of every transcoded route: HTTP request → gRPC call → HTTP response."""

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import grpc
from google.protobuf.message import Message

from gateway.body import ClientGone, read_body, require_json
from gateway.deadline import request_timeout
from gateway.disconnect import DisconnectWatch
from gateway.errors import from_rpc_error
from gateway.exchange import Exchange
from gateway.jsonmap import Codec
from gateway.propagation import outgoing_metadata
from gateway.responses import Receive, Scope, Send, send_response
from gateway.rules import Route, RpcMethod
from gateway.streaming import END, StreamWriter, first_message, wants_sse
from gateway.upstream import Upstreams

MAX_QUERY_FIELDS = 200


@dataclass(frozen=True)
class CallPolicy:
    """Limits and defaults of upstream calls, from the settings."""

    unary_deadline: float
    stream_deadline: float
    max_deadline: float
    max_body_bytes: int
    forward_headers: tuple[str, ...] = ()


class RpcEndpoint:
    """Serves every route of the table; one Codec per route, built here once."""

    def __init__(self, routes: list[Route], policy: CallPolicy) -> None:
        self._codecs = {id(route): Codec(route) for route in routes}
        self._policy = policy
        self.upstreams: Upstreams | None = None  # set when the gateway starts

    async def __call__(
        self, exchange: Exchange, scope: Scope, receive: Receive, send: Send
    ) -> None:
        assert exchange.match is not None
        assert self.upstreams is not None
        route, policy = exchange.match.route, self._policy
        body = b""
        if route.body:
            require_json(exchange.headers)
            body = await read_body(receive, exchange.headers, policy.max_body_bytes)
        query = parse_qsl(
            scope["query_string"].decode("latin-1"),
            keep_blank_values=True,
            max_num_fields=MAX_QUERY_FIELDS,
        )
        codec = self._codecs[id(route)]
        request = codec.request(exchange.match.bindings, query, body)
        streaming = route.rpc.server_streaming
        timeout = request_timeout(
            exchange.headers,
            policy.stream_deadline if streaming else policy.unary_deadline,
            policy.max_deadline,
        )
        metadata = outgoing_metadata(exchange, policy.forward_headers)
        call = self.upstreams.callable_for(route, request)(
            request, timeout=timeout, metadata=metadata
        )
        watch = DisconnectWatch(receive)
        watch.on_disconnect(call.cancel)
        try:
            if streaming:
                writer = StreamWriter(send, wants_sse(exchange.headers), route.error_envelope)
                await _relay_stream(call, codec, writer, exchange)
            else:
                response: Message = await call
                await send_response(send, 200, codec.response(response))
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, route.rpc.path, route.rpc.upstream) from None
        except asyncio.CancelledError:
            if watch.disconnected:
                raise ClientGone from None
            raise
        finally:
            watch.close()


async def _relay_stream(call: Any, codec: Codec, writer: StreamWriter, exchange: Exchange) -> None:
    """Relays every message; a failure after the first one becomes the stream's last event
    (and the request's gRPC code, under its HTTP 200)."""
    responses = call.__aiter__()
    rpc: RpcMethod = codec.route.rpc
    try:
        message = await first_message(responses, writer)
        if message is not END:
            await writer.message(codec.response(message))
            async for message in responses:
                await writer.message(codec.response(message))
    except grpc.aio.AioRpcError as exc:
        if not writer.started:
            raise
        status = from_rpc_error(exc, rpc.path, rpc.upstream).status
        exchange.code = status.code
        await writer.error(status)
    await writer.end()
