"""API keys and rate limits on every /v1 route; health, metrics and docs stay open."""

from collections.abc import Mapping
from typing import Any

from gateway.auth import ApiKey, ApiKeys, presented_key
from gateway.errors import gateway_error
from gateway.exchange import exchange_of
from gateway.ratelimit import Admission, retry_after_seconds
from gateway.responses import Receive, Scope, Send
from services.runtime.errors import PermissionDenied, ResourceExhausted, Unauthenticated

ASGIApp = Any


class GuardMiddleware:
    """401 without a key, 403 with a wrong one, 429 (with Retry-After) over the rate."""

    def __init__(
        self,
        app: ASGIApp,
        keys: ApiKeys,
        limiter: Admission,
        per_key: Mapping[int, Admission] | None = None,
    ) -> None:
        self.app = app
        self._keys = keys
        self._limiter = limiter
        self._per_key = dict(per_key or {})  # rpm -> limiter, for keys with a rate of their own

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        if exchange.is_api:
            exchange.client = self._client(exchange.headers, scope)
            if wait := await self._limiter_of(exchange.key).admit(exchange.client):
                seconds = retry_after_seconds(wait)
                raise gateway_error(
                    ResourceExhausted,
                    f"rate limit exceeded: retry in {seconds} s",
                    reason="RATE_LIMITED",
                    retry_after=seconds,
                )
        await self.app(scope, receive, send)

    def _limiter_of(self, key: ApiKey | None) -> Admission:
        if key is None or key.rpm is None:
            return self._limiter
        return self._per_key[key.rpm]

    def _client(self, headers: dict[str, str], scope: Scope) -> str:
        """The client's id for rate limits: its key id, or its IP without keys."""
        if not self._keys.enabled:
            client = scope.get("client")
            return str(client[0]) if client else "unknown"
        presented = presented_key(headers)
        if presented is None:
            raise gateway_error(
                Unauthenticated,
                "an API key is required: Authorization: Bearer KEY or X-API-Key: KEY",
                reason="API_KEY_MISSING",
                headers={"www-authenticate": 'Bearer realm="tripmesh"'},
            )
        key = self._keys.lookup(presented)
        if key is None:
            raise gateway_error(PermissionDenied, "API key not valid", reason="API_KEY_INVALID")
        exchange_of(scope).key = key
        return key.name
