"""What the tool registry keeps: tools, their contract, and the instances that provide them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ToolDefinition:
    """A tool's contract as its providers registered it."""

    name: str  # "tools/currency.convert"
    description: str
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any]
    version: str
    tags: tuple[str, ...] = ()

    def same_contract(self, other: "ToolDefinition") -> bool:
        return dict(self.input_schema) == dict(other.input_schema) and dict(
            self.output_schema
        ) == dict(other.output_schema)


@dataclass(frozen=True)
class Provider:
    """An instance that provides a tool, as of its last heartbeat."""

    service: str
    instance_id: str
    endpoint: str
    heartbeat_time: float  # wall clock, for clients
    seen: float  # monotonic, for the TTL


@dataclass
class ToolEntry:
    definition: ToolDefinition
    create_time: float  # wall clock
    providers: dict[str, Provider] = field(default_factory=dict)  # by instance id


@dataclass(frozen=True)
class ToolView:
    """A tool with its live providers, as Get and List return it."""

    definition: ToolDefinition
    create_time: float
    providers: tuple[Provider, ...]

    @property
    def available(self) -> bool:
        return bool(self.providers)
