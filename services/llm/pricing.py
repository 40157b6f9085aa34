"""USD cost of tokens from a price table per model (USD per one million tokens)."""

import logging
from collections.abc import Mapping

from services.llm.settings import ModelPrice

logger = logging.getLogger(__name__)

# List prices of the providers' pricing pages (standard tier, text, 2025); TRIPMESH_LLM_PRICES
# overrides or extends them per model.
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "gpt-4.1": ModelPrice(input=2.00, output=8.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, output=1.60),
    "gpt-4.1-nano": ModelPrice(input=0.10, output=0.40),
    "gpt-4o": ModelPrice(input=2.50, output=10.00),
    "gpt-4o-mini": ModelPrice(input=0.15, output=0.60),
    "gemini-2.5-pro": ModelPrice(input=1.25, output=10.00),
    "gemini-2.5-flash": ModelPrice(input=0.30, output=2.50),
    "gemini-2.5-flash-lite": ModelPrice(input=0.10, output=0.40),
    "gemini-2.0-flash": ModelPrice(input=0.10, output=0.40),
    "claude-opus-4-5": ModelPrice(input=5.00, output=25.00),
    "claude-opus-4-1": ModelPrice(input=15.00, output=75.00),
    "claude-sonnet-4-5": ModelPrice(input=3.00, output=15.00),
    "claude-sonnet-4-0": ModelPrice(input=3.00, output=15.00),
    "claude-haiku-4-5": ModelPrice(input=1.00, output=5.00),
    "claude-3-5-haiku-latest": ModelPrice(input=0.80, output=4.00),
}


class PriceTable:
    """Cost of a call by model; an unknown model costs 0 and is logged once."""

    def __init__(self, overrides: Mapping[str, ModelPrice]) -> None:
        self._prices = {**DEFAULT_PRICES, **overrides}
        self._unknown: set[str] = set()

    def cost(self, model: str, input_tokens: int, output_tokens: int) -> float:
        price = self._prices.get(model)
        if price is None:
            if model not in self._unknown:
                self._unknown.add(model)
                logger.warning("no price for model %s; its cost counts as 0", model)
            return 0.0
        return (input_tokens * price.input + output_tokens * price.output) / 1_000_000
