"""Response cache: an identical request (task, inputs, model, prompt version) makes no call.

`ResponseCache` is the seam for a shared backend such as Redis: it stores opaque
strings under string keys with a TTL. The default lives in process memory.
"""

import hashlib
import json
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol


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
    return "tripmesh:llm:" + hashlib.sha256(canonical.encode()).hexdigest()


def _normalize(value: Any) -> Any:
    """Same meaning, same key: NFC text without outer blanks, sorted keys, lists kept."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, Mapping):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v) for v in value]
    return value
