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
    """A rendered prompt and the JSON Schema the answer must follow.

    The schema reaches the model through the provider's structured output; `schema_note`
    (the schema in words) is for a provider that has none (JSON mode), to add to the prompt.
    """

    system: str
    messages: tuple[Message, ...]
    schema_name: str
    json_schema: dict[str, Any] = field(hash=False)
    max_output_tokens: int | None = None
    schema_note: str = ""


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
