"""What the router works with: a tool's route (schema and providers) and one provider."""

from dataclasses import dataclass

from services.tools.schemas import CompiledSchema


@dataclass(frozen=True)
class Candidate:
    """A provider instance of a tool."""

    service: str  # "tripmesh-budget"
    instance_id: str
    endpoint: str  # "host:port"


@dataclass(frozen=True)
class ToolRoute:
    """A tool as the registry lists it: its input schema and live providers."""

    name: str  # "tools/currency.convert"
    version: str
    input_schema: CompiledSchema
    providers: tuple[Candidate, ...]
