"""Where the budget agent gets its exchange rates for one estimate.

`ToolRates` (services.tools.rates) fetches them through the router; `LocalRates`
reads services.travel.fx in process. Both give the same Decimal for a pair.
"""

from collections.abc import Callable, Iterable
from typing import Protocol

from services.agents.pricing import Pair, Rate
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
