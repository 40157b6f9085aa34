"""Sends each request to its endpoint: a fixed one (/healthz, /docs, ...) or a transcoded route.

`resolve` runs first (from the outer middleware) so that metrics and logs know
the route before auth or the endpoint answer.
"""

from collections.abc import Awaitable, Callable

from gateway.endpoint import RpcEndpoint
from gateway.errors import gateway_error
from gateway.exchange import Exchange, exchange_of
from gateway.pages import Pages
from gateway.responses import Receive, Scope, Send
from gateway.router import Router
from services.runtime.errors import NotFound, Unimplemented

FixedEndpoint = Callable[[Send], Awaitable[None]]
MountedApp = Callable[[Scope, Receive, Send], Awaitable[None]]  # any method (/mcp)
FIXED_METHODS = ("GET", "HEAD")


class Dispatcher:
    """The innermost ASGI app."""

    def __init__(
        self,
        router: Router,
        endpoint: RpcEndpoint,
        fixed: dict[str, FixedEndpoint],
        mounts: dict[str, MountedApp] | None = None,
        pages: Pages | None = None,
    ) -> None:
        self._router = router
        self._endpoint = endpoint
        self._fixed = fixed
        self._mounts = mounts or {}
        self._pages = pages

    def resolve(self, exchange: Exchange) -> None:
        """Names the request's route (its template, or the fixed path)."""
        if exchange.raw_path in self._fixed or exchange.raw_path in self._mounts:
            exchange.label = exchange.raw_path
            return
        if self._pages is not None and (page := self._pages.lookup(exchange.raw_path)):
            exchange.label = page[0]
            return
        match = self._router.match(exchange.method, exchange.raw_path)
        if match is not None:
            exchange.match = match
            exchange.label = match.route.label

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        if exchange.match is not None:  # resolve found no fixed path, mount or page first
            await self._endpoint(exchange, scope, receive, send)
            return
        fixed = self._fixed.get(exchange.raw_path) or self._page(exchange.raw_path)
        mounted = self._mounts.get(exchange.raw_path)
        if mounted is not None:
            await mounted(scope, receive, send)
        elif fixed is not None:
            if exchange.method not in FIXED_METHODS:
                raise not_allowed(exchange, list(FIXED_METHODS))
            await fixed(send)
        elif allowed := self._router.allowed_methods(exchange.raw_path):
            raise not_allowed(exchange, allowed)
        else:
            raise gateway_error(
                NotFound,
                f"no route for {exchange.method} {exchange.raw_path}",
                reason="ROUTE_NOT_FOUND",
                metadata={"method": exchange.method, "path": exchange.raw_path[:256]},
            )

    def _page(self, raw_path: str) -> FixedEndpoint | None:
        page = self._pages.lookup(raw_path) if self._pages is not None else None
        return page[1] if page is not None else None


def not_allowed(exchange: Exchange, allowed: list[str]) -> Exception:
    return gateway_error(
        Unimplemented,
        f"{exchange.method} is not allowed on {exchange.raw_path}; allowed: {', '.join(allowed)}",
        reason="METHOD_NOT_ALLOWED",
        http=405,
        headers={"allow": ", ".join(allowed)},
        metadata={"method": exchange.method},
    )
