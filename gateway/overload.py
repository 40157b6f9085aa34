"""Overload control at the edge: every routed /v1 request takes a slot of the gateway's
adaptive limit (services.runtime.overload) or is answered 503 with Retry-After at once.

Inside the guard, so that a request without a valid key never takes a slot, and
outside the endpoint, so that a refused request costs no body read, no
transcoding and no upstream call. Watch streams are never limited; only unary
routes that answered 200 teach the limit.
"""

import math
from typing import Any

from gateway.deadline import request_timeout
from gateway.errors import HttpError, gateway_error
from gateway.exchange import exchange_of
from gateway.responses import Receive, Scope, Send
from services.runtime import errors
from services.runtime.overload import Admission

ASGIApp = Any
OVERLOADED_HTTP = 503  # the gateway itself is overloaded (429 is the client's own rate)


class OverloadMiddleware:
    """Admits routed API requests under an adaptive limit."""

    def __init__(self, app: ASGIApp, admission: Admission | None) -> None:
        self.app = app
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        match = exchange.match
        if self.admission is None or match is None or match.route.rpc.name.startswith("Watch"):
            await self.app(scope, receive, send)
            return
        try:
            started = await self.admission.enter(exchange.label, _remaining(exchange.headers))
        except errors.ResourceExhausted as refused:
            raise gateway_error(
                errors.ResourceExhausted,
                refused.message,
                reason=refused.reason,
                http=OVERLOADED_HTTP,
                metadata=refused.metadata,
                retry_after=refused.retry_after,
            ) from None
        except errors.TripmeshError as refused:
            raise HttpError(refused.to_status("tripmesh-gateway")) from None
        completed = False
        try:
            await self.app(scope, receive, send)
            completed = exchange.status == 200 and not match.route.rpc.server_streaming
        finally:
            self.admission.leave(exchange.label, started, completed)


def _remaining(headers: dict[str, str]) -> float | None:
    """The client's timeout, if it gave one (a bad one is the endpoint's to refuse)."""
    try:
        seconds = request_timeout(headers, math.inf, math.inf)
    except HttpError:
        return None
    return None if math.isinf(seconds) else seconds
