"""Where the budget agent gets its exchange rates for one estimate.

`ToolRates` fetches them through the router (`currency.convert`, served by the
budget agents' own tool, services/budget/tools.py); `LocalRates` reads
services.travel.fx in process. Both give the same Decimal for a pair: the tool's
float travels unchanged through JSON and Struct, and `Decimal(repr(x))` gives
back the same Decimal.
"""

import asyncio
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from services.agents.pricing import Pair, Rate
from services.tools.definition import JsonObject
from services.travel import fx


class RateSource(Protocol):
    async def prefetch(self, pairs: Iterable[Pair]) -> dict[Pair, Rate]: ...


RatesFactory = Callable[[], RateSource]  # one source per estimate (the tool client remembers)


def local_rates(pairs: Iterable[Pair]) -> dict[Pair, Rate]:
    """Every pair's rate from services.travel.fx."""
    return {pair: fx.rate(*pair) for pair in pairs}


class LocalRates:
    """Rates from services.travel.fx (unit tests, tools, no router at hand)."""

    async def prefetch(self, pairs: Iterable[Pair]) -> dict[Pair, Rate]:
        return local_rates(pairs)


class _Tools(Protocol):
    async def call(self, tool: str, arguments: JsonObject) -> JsonObject: ...


class ToolRates:
    def __init__(self, tools: _Tools) -> None:
        self._tools = tools
        self._known: dict[Pair, Rate] = {}

    async def rate(self, source: str, target: str) -> Rate:
        """Units of `target` per unit of `source` and the ECB date (None: same currency)."""
        if source == target:
            return Decimal(1), None
        if (source, target) not in self._known:
            result = await self._tools.call(
                "currency.convert", {"amount": 1, "from": source, "to": target}
            )
            when = date.fromisoformat(result["rate_date"]) if result.get("rate_date") else None
            self._known[(source, target)] = (Decimal(repr(float(result["rate"]))), when)
        return self._known[(source, target)]

    async def prefetch(self, pairs: Iterable[Pair]) -> dict[Pair, Rate]:
        """Every pair's rate, fetched concurrently."""
        unique = list(dict.fromkeys(pairs))
        rates = await asyncio.gather(*(self.rate(s, t) for s, t in unique))
        return dict(zip(unique, rates, strict=True))
