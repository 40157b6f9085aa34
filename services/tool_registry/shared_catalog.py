"""The tool catalogue in the shared state, so that every registry replica answers alike.

Layout under the prefix (`registry:`): `contracts` (tool → version and schema digest),
`definitions` (tool → its definition as JSON), `created` (tool → first registration
time), `providers` (tool␟instance → service and endpoint), `deadlines` (a sorted set
of tool␟instance by the wall time its TTL ends) and `instance:<id>` (the tools of an
instance, for its heartbeats). Writes are Lua scripts, so the schema-conflict check
and the write it guards are one step, whichever replica runs them.

When the state is down, reads answer from the last catalogue this replica loaded and
writes are refused with UNAVAILABLE and a RetryInfo; providers re-register what a
lost state forgot when their heartbeat reports it unknown.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from services.runtime.state.connection import SharedState, StateDown
from services.tool_registry import paging
from services.tool_registry.catalog import (
    ProviderInfo,
    check_definition,
    check_heartbeat,
    check_name,
    check_provider,
    not_found,
    schema_conflict,
)
from services.tool_registry.entries import Provider, ToolDefinition, ToolView

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

SEP = "\x1f"
USER = "tool registry"

# Drops the providers whose deadline passed (KEYS: providers, deadlines; ARGV[1] now).
_EXPIRE = """
local function expire(providers, deadlines, now, prefix)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', deadlines, '-inf', now)) do
    local sep = string.find(member, '\\31', 1, true)
    redis.call('HDEL', providers, member)
    redis.call('ZREM', deadlines, member)
    redis.call('SREM', prefix .. 'instance:' .. string.sub(member, sep + 1),
               string.sub(member, 1, sep - 1))
  end
end
"""

# KEYS: contracts, definitions, created, providers, deadlines
# ARGV: now, prefix, name, contract, definition, created, member, provider, deadline, instance
_REGISTER = (
    _EXPIRE
    + """
expire(KEYS[4], KEYS[5], ARGV[1], ARGV[2])
local current = redis.call('HGET', KEYS[1], ARGV[3])
if current then
  local version = string.sub(current, 1, string.find(current, '\\31', 1, true) - 1)
  local wanted = string.sub(ARGV[4], 1, string.find(ARGV[4], '\\31', 1, true) - 1)
  if version == wanted and current ~= ARGV[4] then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[5])
redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[6])
redis.call('HSET', KEYS[4], ARGV[7], ARGV[8])
redis.call('ZADD', KEYS[5], ARGV[9], ARGV[7])
redis.call('SADD', ARGV[2] .. 'instance:' .. ARGV[10], ARGV[3])
return 1
"""
)

# KEYS: providers, deadlines; ARGV: now, prefix, instance, deadline, names...
# Returns the names the instance does not provide (any more).
_HEARTBEAT = (
    _EXPIRE
    + """
expire(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
for _, name in ipairs(redis.call('SMEMBERS', ARGV[2] .. 'instance:' .. ARGV[3])) do
  redis.call('ZADD', KEYS[2], 'XX', ARGV[4], name .. '\\31' .. ARGV[3])
end
local unknown = {}
for i = 5, #ARGV do
  if not redis.call('ZSCORE', KEYS[2], ARGV[i] .. '\\31' .. ARGV[3]) then
    table.insert(unknown, ARGV[i])
  end
end
return unknown
"""
)


class SharedCatalog:
    """`Catalog` in the shared state; `clock` is wall time, common to the replicas."""

    def __init__(
        self, state: SharedState, ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.ttl = ttl
        self._state = state
        self._clock = clock
        self._prefix = state.key("registry", "")
        self._keys = {
            name: self._prefix + name
            for name in ("contracts", "definitions", "created", "providers", "deadlines")
        }
        self._last: dict[str, ToolView] = {}  # the catalogue as last loaded

    async def register(self, definition: ToolDefinition, provider: ProviderInfo) -> ToolView:
        check_definition(definition)
        check_provider(provider)
        now = self._clock()
        member = definition.name + SEP + provider.instance_id
        keys = [self._keys[k] for k in ("contracts", "definitions", "created", "providers")]
        args: list[str | float] = [now, self._prefix, definition.name, _contract(definition)]
        args += [_definition_json(definition), now, member]
        args += [_provider_json(provider), now + self.ttl, provider.instance_id]
        stored = await self._write(
            "RegisterTool", lambda c: c.eval(_REGISTER, 5, *keys, self._keys["deadlines"], *args)
        )
        if not stored:
            raise schema_conflict(definition)
        return await self.get(definition.name)

    async def deregister(self, name: str, instance_id: str) -> None:
        check_name(name)
        member = name + SEP + instance_id

        async def remove(client: "Redis") -> bool:
            pipe = client.pipeline(transaction=True)
            pipe.hexists(self._keys["definitions"], name)
            pipe.hdel(self._keys["providers"], member)
            pipe.zrem(self._keys["deadlines"], member)
            pipe.srem(self._prefix + "instance:" + instance_id, name)
            return bool((await pipe.execute())[0])

        if not await self._write("DeregisterTool", remove):
            raise not_found(name)

    async def heartbeat(self, instance_id: str, names: list[str]) -> list[str]:
        check_heartbeat(instance_id)
        now = self._clock()
        keys = [self._keys["providers"], self._keys["deadlines"]]
        args: list[str | float] = [now, self._prefix, instance_id, now + self.ttl, *names]
        unknown = await self._write("Heartbeat", lambda c: c.eval(_HEARTBEAT, 2, *keys, *args))
        return [str(name) for name in unknown]

    async def get(self, name: str) -> ToolView:
        check_name(name)
        view = (await self._load()).get(name)
        if view is None:
            raise not_found(name)
        return view

    async def list_tools(
        self, *, tag: str = "", provider: str = "", page_size: int = 0, page_token: str = ""
    ) -> tuple[list[ToolView], str]:
        views = (await self._load()).values()
        return paging.select(
            views, tag=tag, provider=provider, page_size=page_size, page_token=page_token
        )

    async def _write(self, what: str, operation: Callable[["Redis"], Any]) -> Any:
        try:
            return await self._state.run(USER, operation)
        except StateDown:
            raise self._state.refusal(what) from None

    async def _load(self) -> dict[str, ToolView]:
        """Every tool with its live providers; the last loaded catalogue when the state is down."""

        async def read(client: "Redis") -> list[Any]:
            pipe = client.pipeline(transaction=False)
            for key in ("definitions", "created", "providers"):
                pipe.hgetall(self._keys[key])
            pipe.zrangebyscore(self._keys["deadlines"], self._clock(), "+inf", withscores=True)
            return list(await pipe.execute())

        try:
            definitions, created, providers, deadlines = await self._state.run(USER, read)
        except StateDown:
            return self._last
        self._last = _views(definitions, created, providers, dict(deadlines), self.ttl)
        return self._last


def _views(
    definitions: dict[str, str],
    created: dict[str, str],
    providers: dict[str, str],
    deadlines: dict[str, float],
    ttl: float,
) -> dict[str, ToolView]:
    live: dict[str, list[Provider]] = {}
    for member, deadline in deadlines.items():
        name, _, instance_id = member.partition(SEP)
        raw = providers.get(member)
        if raw is None:
            continue
        info = json.loads(raw)
        heartbeat = deadline - ttl
        provider = Provider(info["service"], instance_id, info["endpoint"], heartbeat, heartbeat)
        live.setdefault(name, []).append(provider)
    views = {}
    for name, raw in definitions.items():
        found = sorted(live.get(name, []), key=lambda p: p.instance_id)
        views[name] = ToolView(_definition_of(raw), float(created.get(name, 0)), tuple(found))
    return views


def _contract(definition: ToolDefinition) -> str:
    """The version and a digest of the schemas: equal digests, equal contracts."""
    schemas = json.dumps(
        [definition.input_schema, definition.output_schema], sort_keys=True, separators=(",", ":")
    )
    return definition.version + SEP + hashlib.sha256(schemas.encode()).hexdigest()


def _definition_json(definition: ToolDefinition) -> str:
    return json.dumps(
        {
            "name": definition.name,
            "description": definition.description,
            "input_schema": definition.input_schema,
            "output_schema": definition.output_schema,
            "version": definition.version,
            "tags": list(definition.tags),
        }
    )


def _definition_of(raw: str) -> ToolDefinition:
    data = json.loads(raw)
    return ToolDefinition(
        name=data["name"],
        description=data["description"],
        input_schema=data["input_schema"],
        output_schema=data["output_schema"],
        version=data["version"],
        tags=tuple(data["tags"]),
    )


def _provider_json(provider: ProviderInfo) -> str:
    return json.dumps({"service": provider.service, "endpoint": provider.endpoint})
