"""What of an HTTP request travels on to gRPC: the request id, the trace context, the
key's name and budget, and only the headers an operator lists. Credentials never do."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import propagate, trace

from gateway.exchange import Exchange
from services.runtime.caller import BUDGET_HEADER, KEY_HEADER, Caller

REQUEST_ID = "x-request-id"
# Never passed on, even when listed: credentials of the edge, and gRPC's own headers.
NEVER_FORWARDED = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "cookie", "host", "content-length"}
    | {KEY_HEADER, BUDGET_HEADER}  # the gateway's own word on the key, never the client's
    # ... and on the request and its trace: the request id it checked, its own span's context
    | {REQUEST_ID, "traceparent", "tracestate"}
)

_tracer = trace.get_tracer("tripmesh.gateway")


def forwardable(names: str) -> tuple[str, ...]:
    """The header names of TRIPMESH_GATEWAY_FORWARD_HEADERS that may become metadata."""
    wanted = (n.strip().lower() for n in names.split(","))
    return tuple(
        n
        for n in dict.fromkeys(wanted)
        if n and n not in NEVER_FORWARDED and not n.startswith("grpc-") and not n.endswith("-bin")
    )


def outgoing_metadata(exchange: Exchange, forward: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """gRPC metadata of the upstream call: request id, key, listed headers.

    The trace context (traceparent, tracestate of the current, gateway, span) is added by
    the channel itself (services.runtime.outgoing.call_metadata), as on every hop: injecting
    it here as well was the same work twice.
    """
    metadata = [(REQUEST_ID, exchange.request_id)]
    if exchange.key is not None:  # its name and budget, for the model spend of every hop
        metadata.extend(Caller(exchange.key.name, exchange.key.usd_per_day).metadata())
    headers = exchange.headers
    metadata.extend((name, headers[name]) for name in forward if name in headers)
    return tuple(metadata)


@contextmanager
def server_span(exchange: Exchange) -> Iterator[None]:
    """A span of the request, child of the caller's `traceparent` (W3C, with `tracestate`).

    Its context goes into the call's metadata, so that the upstream continues
    the caller's trace.
    """
    parent = propagate.extract(exchange.headers)
    attributes = {
        "http.request.method": exchange.method,
        "http.route": exchange.label,
        "tripmesh.request_id": exchange.request_id,
    }
    with _tracer.start_as_current_span(
        f"{exchange.method} {exchange.label}",
        context=parent,
        kind=trace.SpanKind.SERVER,
        attributes=attributes,
    ) as span:
        yield
        span.set_attribute("http.response.status_code", exchange.status)
