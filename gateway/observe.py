"""The outermost middleware: request id, route, span, metrics, access log, the execution
record of an API request for the performance monitor, and the last word on errors (every
error leaves as a google.rpc.Status body)."""

import logging
import time
from collections.abc import Callable
from typing import Any

from gateway import metrics
from gateway.audit import AuditLog
from gateway.body import ClientGone
from gateway.errors import HttpError, gateway_error
from gateway.exchange import SCOPE_KEY, UNMATCHED, Exchange
from gateway.propagation import server_span
from gateway.responses import Message, Receive, Scope, Send, send_error
from gateway.status import grpc_code, status_code
from services.runtime.errors import Internal, TripmeshError
from services.runtime.logs import correlation_id_var
from services.runtime.reporting import Execution, ExecutionReporter, rpc_execution

logger = logging.getLogger("gateway.access")

ASGIApp = Callable[[Scope, Receive, Send], Any]
CLIENT_CLOSED = 499
CANCELLED = 1  # the gRPC code of a request whose client went away


class ObserveMiddleware:
    """Wraps every HTTP request; `resolve` names its route before anything else runs.

    With a `reporter`, each request on an API route (a transcoded RPC, A2A, /mcp, the other
    /v1 paths; not /healthz, /metrics, pages, nor a path no route matches) becomes an RPC
    execution of the gateway, in the request's trace: the root of a trip's waterfall.
    """

    def __init__(
        self,
        app: ASGIApp,
        resolve: Callable[[Exchange], None],
        audit: AuditLog | None = None,
        reporter: ExecutionReporter | None = None,
    ) -> None:
        self.app = app
        self._resolve = resolve
        self._audit = audit
        self._reporter = reporter if reporter is not None and reporter.enabled else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = Exchange.of(scope)
        self._resolve(exchange)
        scope[SCOPE_KEY] = exchange
        token = correlation_id_var.set(exchange.request_id)
        request_id = exchange.request_id.encode()
        reporter = self._reporter if exchange.is_api and exchange.label != UNMATCHED else None
        wall = time.time() if reporter is not None else 0.0
        started = time.perf_counter()
        metrics.IN_FLIGHT.inc()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id)]
            await send(message)

        try:
            with server_span(exchange):
                try:
                    await self._run(exchange, scope, receive, send_with_id)
                finally:
                    seconds = time.perf_counter() - started
                    _log(exchange, seconds)  # in the span: has its trace id, as the record
                    if reporter is not None:
                        reporter.record(_execution(reporter.service, exchange, wall, seconds))
        finally:
            seconds = time.perf_counter() - started
            metrics.IN_FLIGHT.dec()
            metrics.observe(exchange.label, exchange.method, exchange.status, seconds)
            if self._audit is not None:
                self._audit.record(exchange, scope, seconds)
            correlation_id_var.reset(token)

    async def _run(self, exchange: Exchange, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except HttpError as error:
            await self._answer(exchange, send, error)
        except TripmeshError as error:  # raised by the runtime's client interceptor
            await self._answer(exchange, send, HttpError(error.to_status("tripmesh-gateway")))
        except ClientGone:
            exchange.status = exchange.status or CLIENT_CLOSED
            exchange.code = CANCELLED  # even when a stream had answered 200
        except Exception:
            logger.exception("unhandled error on %s %s", exchange.method, exchange.label)
            internal = gateway_error(
                Internal,
                f"internal error (correlation id {exchange.request_id})",
                reason="INTERNAL",
                metadata={"correlation_id": exchange.request_id},
            )
            await self._answer(exchange, send, internal)

    @staticmethod
    async def _answer(exchange: Exchange, send: Send, error: HttpError) -> None:
        exchange.code = error.status.code  # its own, which the HTTP status may not tell (503)
        if exchange.status:  # a stream already answered: nothing more can be said
            logger.warning("error after the response started: %s", error.status.message)
            return
        envelope = exchange.match is not None and exchange.match.route.error_envelope
        await send_error(send, error, envelope)


def _execution(service: str, exchange: Exchange, wall: float, seconds: float) -> Execution:
    """The request as an RPC execution, named as the access log names it ("POST
    /v1/trips:plan"), with the gRPC code it answered or relayed (else its HTTP status's)."""
    code = exchange.code if exchange.code is not None else grpc_code(exchange.status)
    method = f"{exchange.method} {exchange.label}"
    return rpc_execution(service, method, wall, seconds, status_code(code).name)


def _log(exchange: Exchange, seconds: float) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return  # the record and its fields are not even built
    logger.info(
        "%s %s %d",
        exchange.method,
        exchange.label,
        exchange.status,
        extra={
            "http_method": exchange.method,
            "route": exchange.label,
            "status": exchange.status,
            "duration_ms": round(seconds * 1000, 2),
            "client": exchange.client,
            **exchange.extra,
        },
    )
