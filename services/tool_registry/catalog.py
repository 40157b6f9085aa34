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
        _check_definition(definition)
        _check_provider(provider)
        self._expire()
        entry = self._tools.get(definition.name)
        if entry is None:
            entry = ToolEntry(definition, self._clock.wall())
            self._tools[definition.name] = entry
            logger.info("new tool %s %s", definition.name, definition.version)
        elif entry.definition.version == definition.version:
            if not entry.definition.same_contract(definition):
                raise FailedPrecondition(
                    f"{definition.name} {definition.version} is registered with another schema;"
                    " change the version to change the schema",
                    reason="SCHEMA_CONFLICT",
                    metadata={"tool": definition.name, "version": definition.version},
                )
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
        size = paging.page_size(page_size)
        filters = (tag, provider)
        after = paging.decode(page_token, filters)
        self._expire()
        matching = [
            entry
            for name, entry in sorted(self._tools.items())
            if name > after
            and (not tag or tag in entry.definition.tags)
            and (not provider or any(p.service == provider for p in entry.providers.values()))
        ]
        page = matching[:size]
        next_token = (
            paging.encode(page[-1].definition.name, filters) if len(matching) > size else ""
        )
        return [self._view(entry) for entry in page], next_token

    def heartbeat(self, instance_id: str, names: list[str]) -> list[str]:
        """Renews every registration of the instance; returns the named tools it does not have."""
        if not instance_id:
            raise InvalidArgument(
                "instance_id is required", reason="MISSING_INSTANCE_ID", field="instance_id"
            )
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
        if tool_of(name) is None:
            raise InvalidArgument(
                f"{name!r} is not a tool name (tools/{{tool}})",
                reason="INVALID_TOOL_NAME",
                field="name",
            )
        entry = self._tools.get(name)
        if entry is None:
            raise NotFound(f"no tool {name}", reason="TOOL_NOT_FOUND", metadata={"tool": name})
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


def _check_definition(definition: ToolDefinition) -> None:
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


def _check_provider(provider: ProviderInfo) -> None:
    for field in ("service", "instance_id", "endpoint"):
        if not getattr(provider, field):
            raise InvalidArgument(
                f"provider.{field} is required",
                reason="MISSING_PROVIDER_FIELD",
                field=f"provider.{field}",
            )
