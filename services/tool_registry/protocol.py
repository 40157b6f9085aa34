"""What the servicer needs of a catalogue, in process (ToolCatalog) or shared by replicas."""

from typing import Protocol

from services.tool_registry.catalog import ProviderInfo, ToolCatalog
from services.tool_registry.entries import ToolDefinition, ToolView


class Catalog(Protocol):
    ttl: float

    async def register(self, definition: ToolDefinition, provider: ProviderInfo) -> ToolView: ...

    async def deregister(self, name: str, instance_id: str) -> None: ...

    async def get(self, name: str) -> ToolView: ...

    async def list_tools(
        self, *, tag: str, provider: str, page_size: int, page_token: str
    ) -> tuple[list[ToolView], str]: ...

    async def heartbeat(self, instance_id: str, names: list[str]) -> list[str]: ...


class LocalCatalog:
    """The in-process catalogue (one replica) behind the servicer's async interface."""

    def __init__(self, catalog: ToolCatalog) -> None:
        self.catalog = catalog
        self.ttl = catalog.ttl

    async def register(self, definition: ToolDefinition, provider: ProviderInfo) -> ToolView:
        return self.catalog.register(definition, provider)

    async def deregister(self, name: str, instance_id: str) -> None:
        self.catalog.deregister(name, instance_id)

    async def get(self, name: str) -> ToolView:
        return self.catalog.get(name)

    async def list_tools(
        self, *, tag: str, provider: str, page_size: int, page_token: str
    ) -> tuple[list[ToolView], str]:
        return self.catalog.list_tools(
            tag=tag, provider=provider, page_size=page_size, page_token=page_token
        )

    async def heartbeat(self, instance_id: str, names: list[str]) -> list[str]:
        return self.catalog.heartbeat(instance_id, names)
