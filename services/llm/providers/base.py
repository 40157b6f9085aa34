"""What the chain asks of a model provider, independent of its SDK."""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class Message:
    """One turn of the conversation; "assistant" turns carry a previous answer on a re-ask."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class ModelRequest:
    """A rendered prompt and the JSON Schema the answer must follow."""

    system: str
    messages: tuple[Message, ...]
    schema_name: str
    json_schema: dict[str, Any] = field(hash=False)
    max_output_tokens: int | None = None


@dataclass(frozen=True)
class RawAnswer:
    """The text a model returned and the tokens it billed."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    truncated: bool = False  # stopped at the output token limit


class Provider(Protocol):
    """A remote model. `generate` raises ProviderError for every failure it can name."""

    kind: str
    model: str

    async def generate(self, request: ModelRequest) -> RawAnswer: ...

    async def aclose(self) -> None: ...
