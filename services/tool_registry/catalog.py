"""The tool catalogue: registrations, heartbeats with a TTL, and listings.

In memory on purpose: providers re-register when the registry restarts (their
heartbeat reports the tools it forgot), so the catalogue rebuilds itself within
a heartbeat and there is no state to migrate or go stale.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from services.runtime.errors import FailedPrecondition, InvalidArgument, NotFound
from services.tool_registry import paging
from services.tool_registry.entries import Provider, ToolDefinition, ToolEntry, ToolView
from services.tools.definition import tool_of
from services.tools.schemas import schema_error

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clock:
    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time


@dataclass(frozen=True)
class ProviderInfo:
    service: str
    instance_id: str
    endpoint: str


class ToolCatalog:
    """Tools by name; a provider is dropped when its heartbeats stop for `ttl` seconds."""

    def __init__(self, ttl: float, clock: Clock | None = None) -> None:
        self.ttl = ttl
        self._clock = clock or Clock()
        self._tools: dict[str, ToolEntry] = {}

    def register(self, definition: ToolDefinition, provider: ProviderInfo) -> ToolView:
        """Adds `provider` to the tool, creating the tool the first time.

        A different schema under the same version is refused: callers validated
        against the first one. A new version replaces the contract.
        """
        check_definition(definition)
        check_provider(provider)
        self._expire()
        entry = self._tools.get(definition.name)
        if entry is None:
            entry = ToolEntry(definition, self._clock.wall())
            self._tools[definition.name] = entry
            logger.info("new tool %s %s", definition.name, definition.version)
        elif entry.definition.version == definition.version:
            if not entry.definition.same_contract(definition):
                raise schema_conflict(definition)
            entry.definition = definition
        else:
            logger.info(
                "%s: version %s replaces %s",
                definition.name,
                definition.version,
                entry.definition.version,
            )
            entry.definition = definition
        entry.providers[provider.instance_id] = Provider(
            provider.service,
            provider.instance_id,
            provider.endpoint,
            self._clock.wall(),
            self._clock.monotonic(),
        )
        return self._view(entry)

    def deregister(self, name: str, instance_id: str) -> None:
        """Removes a provider; removing one that is not there is not an error (drains repeat)."""
        entry = self._entry(name)
        entry.providers.pop(instance_id, None)

    def get(self, name: str) -> ToolView:
        self._expire()
        return self._view(self._entry(name))

    def list_tools(
        self, *, tag: str = "", provider: str = "", page_size: int = 0, page_token: str = ""
    ) -> tuple[list[ToolView], str]:
        """Tools by name, filtered by tag and provider service; the page and the next token."""
        self._expire()
        views = (self._view(entry) for entry in self._tools.values())
        return paging.select(
            views, tag=tag, provider=provider, page_size=page_size, page_token=page_token
        )

    def heartbeat(self, instance_id: str, names: list[str]) -> list[str]:
        """Renews every registration of the instance; returns the named tools it does not have."""
        check_heartbeat(instance_id)
        self._expire()
        now, wall = self._clock.monotonic(), self._clock.wall()
        for entry in self._tools.values():
            current = entry.providers.get(instance_id)
            if current is not None:
                entry.providers[instance_id] = replace(current, seen=now, heartbeat_time=wall)
        return [
            name
            for name in names
            if name not in self._tools or instance_id not in self._tools[name].providers
        ]

    def _entry(self, name: str) -> ToolEntry:
        check_name(name)
        entry = self._tools.get(name)
        if entry is None:
            raise not_found(name)
        return entry

    def _expire(self) -> None:
        """Drops providers whose last heartbeat is older than the TTL."""
        cutoff = self._clock.monotonic() - self.ttl
        for entry in self._tools.values():
            for instance_id, provider in list(entry.providers.items()):
                if provider.seen < cutoff:
                    del entry.providers[instance_id]
                    logger.info(
                        "%s: dropped %s (%s), no heartbeat for %.0f s",
                        entry.definition.name,
                        instance_id,
                        provider.endpoint,
                        self.ttl,
                    )

    def _view(self, entry: ToolEntry) -> ToolView:
        providers = tuple(sorted(entry.providers.values(), key=lambda p: p.instance_id))
        return ToolView(entry.definition, entry.create_time, providers)


def check_name(name: str) -> None:
    if tool_of(name) is None:
        raise InvalidArgument(
            f"{name!r} is not a tool name (tools/{{tool}})",
            reason="INVALID_TOOL_NAME",
            field="name",
        )


def not_found(name: str) -> NotFound:
    return NotFound(f"no tool {name}", reason="TOOL_NOT_FOUND", metadata={"tool": name})


def schema_conflict(definition: ToolDefinition) -> FailedPrecondition:
    return FailedPrecondition(
        f"{definition.name} {definition.version} is registered with another schema;"
        " change the version to change the schema",
        reason="SCHEMA_CONFLICT",
        metadata={"tool": definition.name, "version": definition.version},
    )


def check_heartbeat(instance_id: str) -> None:
    if not instance_id:
        raise InvalidArgument(
            "instance_id is required", reason="MISSING_INSTANCE_ID", field="instance_id"
        )


def check_definition(definition: ToolDefinition) -> None:
    if tool_of(definition.name) is None:
        raise InvalidArgument(
            f"{definition.name!r} is not a tool name (tools/{{tool}}, dotted lower_snake)",
            reason="INVALID_TOOL_NAME",
            field="tool.name",
        )
    if not definition.version:
        raise InvalidArgument(
            "tool.version is required", reason="MISSING_VERSION", field="tool.version"
        )
    for field, schema in (
        ("tool.input_schema", definition.input_schema),
        ("tool.output_schema", definition.output_schema),
    ):
        problem = "empty" if not schema else schema_error(schema)
        if problem:
            raise InvalidArgument(
                f"{field} is not a valid JSON Schema: {problem}",
                reason="INVALID_SCHEMA",
                field=field,
            )


def check_provider(provider: ProviderInfo) -> None:
    for field in ("service", "instance_id", "endpoint"):
        if not getattr(provider, field):
            raise InvalidArgument(
                f"provider.{field} is required",
                reason="MISSING_PROVIDER_FIELD",
                field=f"provider.{field}",
            )
