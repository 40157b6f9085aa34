"""What model calls consumed: calls, tokens and their cost."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    """Totals of one or more model calls; the offline engine's answers cost nothing."""

    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            model_calls=self.model_calls + other.model_calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
        )
