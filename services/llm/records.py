"""One record per model call, for the performance monitor's optional hook."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelCallRecord:
    """A model call as it happened; `outcome` is "success" or the failure kind."""

    task: str  # prompt name, e.g. "draft_itinerary"
    provider: str  # "openai", "gemini", "anthropic", "offline", or "cache" for a cache hit
    model: str  # "gpt-4.1-mini"; "offline" for the offline engine; a hit's source provider
    start: float  # wall clock, seconds since the epoch
    duration: float  # seconds
    outcome: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


CallHook = Callable[[ModelCallRecord], None]
