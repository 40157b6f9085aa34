"""What the agents need of the model chain, and what they give back to their servicers."""

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import pydantic

from services.llm.chain import ModelResult, ModelTask
from services.llm.usage import Usage

T = TypeVar("T", bound=pydantic.BaseModel)
V = TypeVar("V")


class ModelRunner(Protocol):
    """services.llm.chain.ModelChain, or anything that answers a ModelTask the same way."""

    async def run(self, task: ModelTask[T]) -> ModelResult[T]: ...


@dataclass(frozen=True)
class AgentResult(Generic[V]):
    """An agent's answer with what the traveller should know and what it cost."""

    value: V
    warnings: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    provider: str = "offline"  # who answered: "offline", "openai:gpt-4.1-mini", ...


class OfflineRunner:
    """A runner that always answers with the offline engine (tests, tools, no chain at hand)."""

    async def run(self, task: ModelTask[T]) -> ModelResult[T]:
        return ModelResult(task.offline(), "offline", Usage(), [])
