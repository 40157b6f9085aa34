"""The production response cache: Redis, shared by every replica of a service.

Imported only when `TRIPMESH_CACHE_URL` is set, so the default install needs no Redis.
"""

import math

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

NAMESPACE = "tripmesh:llm:"
# A cache answer is worth a few milliseconds; past this, asking the model is the better bet.
SOCKET_TIMEOUT = 0.25


class RedisCache:
    """`ResponseCache` in Redis: namespaced keys, values expiring after `ttl` seconds."""

    def __init__(
        self,
        url: str,
        ttl: float,
        *,
        namespace: str | None = None,
        timeout: float = SOCKET_TIMEOUT,
    ) -> None:
        # No retries: the client's default backs off for seconds, and a miss is cheap.
        self._client: Redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self._ttl = max(1, math.ceil(ttl))  # EX takes whole seconds
        self._namespace = NAMESPACE if namespace is None else namespace

    async def get(self, key: str) -> str | None:
        value = await self._client.get(self._namespace + key)
        # decode_responses gives str; the client's types also allow bytes.
        return value.decode() if isinstance(value, bytes) else value

    async def set(self, key: str, value: str) -> None:
        await self._client.set(self._namespace + key, value, ex=self._ttl)

    async def aclose(self) -> None:
        await self._client.aclose()
