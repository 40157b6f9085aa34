"""Response cache: an identical request (task, inputs, model, prompt version) makes no call.

`ResponseCache` is the seam for a shared backend such as Redis: it stores opaque
strings under string keys with a TTL. The default lives in process memory; the chain
reaches any backend through `FailSoftCache`, so a backend that is down costs misses only.
"""

import hashlib
import json
import logging
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class ResponseCache(Protocol):
    """Async so that a network backend fits; values are JSON strings."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...


class MemoryCache:
    """LRU with a TTL per entry; `max_entries` 0 stores nothing."""

    def __init__(
        self, max_entries: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl
        self._clock = clock

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: str) -> None:
        if self._max <= 0:
            return
        self._entries[key] = (self._clock() + self._ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class FailSoftCache:
    """A backend's errors become misses: logged once per outage, then the backend rests.

    While resting (`rest` seconds after a failure) it is not asked at all, so a Redis
    that hangs costs at most one socket timeout per `rest`, not one per request.
    """

    def __init__(
        self,
        inner: ResponseCache,
        *,
        owned: bool,
        rest: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._owned = owned  # closed by `aclose` only when the chain built it
        self._rest = rest
        self._clock = clock
        self._down_until: float | None = None  # set during an outage

    async def get(self, key: str) -> str | None:
        if self._resting():
            return None
        try:
            value = await self._inner.get(key)
        except Exception as exc:
            self._failed("lookup", exc)
            return None
        self._recovered()
        return value

    async def set(self, key: str, value: str) -> None:
        if self._resting():
            return
        try:
            await self._inner.set(key, value)
        except Exception as exc:
            self._failed("store", exc)
            return
        self._recovered()

    async def aclose(self) -> None:
        close = getattr(self._inner, "aclose", None)
        if self._owned and close is not None:
            await close()

    def _resting(self) -> bool:
        return self._down_until is not None and self._clock() < self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        if self._down_until is None:
            # A shared cache being down costs model calls, never the answer.
            logger.warning(
                "response cache %s failed (%s: %s); answering without it until it is back",
                operation,
                type(exc).__name__,
                exc,
            )
        self._down_until = self._clock() + self._rest

    def _recovered(self) -> None:
        if self._down_until is not None:
            logger.info("response cache is back")
            self._down_until = None


def cache_key(
    task: str,
    variables: Mapping[str, Any],
    provider: str,
    prompt_version: int,
    json_schema: Mapping[str, Any],
) -> str:
    """A digest of the normalized request; the schema is in it so a model change misses."""
    material = {
        "task": task.strip().lower(),
        "variables": _normalize(variables),
        "provider": provider,
        "prompt_version": prompt_version,
        "schema": json_schema,
    }
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), default=str)
    # A bare digest: a shared backend adds its own namespace (RedisCache: "tripmesh:llm:").
    return hashlib.sha256(canonical.encode()).hexdigest()


def _normalize(value: Any) -> Any:
    """Same meaning, same key: NFC text without outer blanks, sorted keys, lists kept."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, Mapping):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v) for v in value]
    return value
