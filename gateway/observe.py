"""The outermost middleware: request id, route, span, metrics, access log, and the last word
on errors (every error leaves as a google.rpc.Status body)."""

import logging
import time
from collections.abc import Callable
from typing import Any

from gateway import metrics
from gateway.audit import AuditLog
from gateway.body import ClientGone
from gateway.errors import HttpError, gateway_error
from gateway.exchange import SCOPE_KEY, Exchange
from gateway.propagation import server_span
from gateway.responses import Message, Receive, Scope, Send, send_error
from services.runtime.errors import Internal, TripmeshError
from services.runtime.logs import correlation_id_var

logger = logging.getLogger("gateway.access")

ASGIApp = Callable[[Scope, Receive, Send], Any]
CLIENT_CLOSED = 499


class ObserveMiddleware:
    """Wraps every HTTP request; `resolve` names its route before anything else runs."""

    def __init__(
        self,
        app: ASGIApp,
        resolve: Callable[[Exchange], None],
        audit: AuditLog | None = None,
    ) -> None:
        self.app = app
        self._resolve = resolve
        self._audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = Exchange.of(scope)
        self._resolve(exchange)
        scope[SCOPE_KEY] = exchange
        token = correlation_id_var.set(exchange.request_id)
        request_id = exchange.request_id.encode()
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
                    _log(exchange, time.perf_counter() - started)  # in the span: has its trace id
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
        if exchange.status:  # a stream already answered: nothing more can be said
            logger.warning("error after the response started: %s", error.status.message)
            return
        envelope = exchange.match is not None and exchange.match.route.error_envelope
        await send_error(send, error, envelope)


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
