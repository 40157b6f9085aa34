"""Results of the pure tools an agent calls, remembered for a while.

`currency.convert`, `guide.season` and `guide.phrases` answer from shipped data:
the same arguments give the same result. Asking the router again for a result
already seen costs three RPC hops (agent → router → provider and back) for
nothing, about half of a trip's CPU when the mesh plans trips to the same
places; so the first call goes through the router and the next ones, for `ttl`
seconds, are answered from memory. Failures are never remembered.
"""

import json
from typing import Any, Protocol

from services.llm.cache import MemoryCache
from services.tools.definition import JsonObject

PURE_TOOLS = frozenset({"currency.convert", "guide.season", "guide.phrases"})


class ToolCaller(Protocol):
    async def call(self, tool: str, arguments: JsonObject) -> JsonObject: ...


class RememberedTools:
    """A ToolCaller that remembers the results of `pure` tools (LRU with a TTL)."""

    def __init__(
        self,
        tools: ToolCaller,
        pure: frozenset[str] = PURE_TOOLS,
        *,
        max_entries: int = 4096,
        ttl: float = 600.0,
    ) -> None:
        self._tools = tools
        self._pure = pure
        self._memory = MemoryCache(max_entries if ttl > 0 else 0, ttl)

    async def call(self, tool: str, arguments: JsonObject) -> JsonObject:
        if tool not in self._pure:
            return await self._tools.call(tool, arguments)
        key = f"{tool} {json.dumps(arguments, sort_keys=True, separators=(',', ':'))}"
        if (seen := await self._memory.get(key)) is not None:
            remembered: Any = json.loads(seen)  # a fresh copy: callers may keep or change it
            return dict(remembered)
        result = await self._tools.call(tool, arguments)
        await self._memory.set(key, json.dumps(result, separators=(",", ":")))
        return result
