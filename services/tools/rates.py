"""ECB exchange rates through the mesh: `currency.convert` via the router, remembered per use.

For agents whose pricing is synchronous arithmetic: fetch the rates a request
needs first (concurrently), then price with them. The rates are exactly those of
services.travel.fx.rate: the tool's float travels unchanged through JSON and
Struct, and `Decimal(repr(x))` gives back the same Decimal.
"""

import asyncio
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from services.tools.definition import JsonObject

Pair = tuple[str, str]  # (source, target) currency codes


class _Tools(Protocol):
    async def call(self, tool: str, arguments: JsonObject) -> JsonObject: ...


class ToolRates:
    def __init__(self, tools: _Tools) -> None:
        self._tools = tools
        self._known: dict[Pair, tuple[Decimal, date | None]] = {}

    async def rate(self, source: str, target: str) -> tuple[Decimal, date | None]:
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

    async def prefetch(self, pairs: Iterable[Pair]) -> dict[Pair, tuple[Decimal, date | None]]:
        """Every pair's rate, fetched concurrently."""
        unique = list(dict.fromkeys(pairs))
        rates = await asyncio.gather(*(self.rate(s, t) for s, t in unique))
        return dict(zip(unique, rates, strict=True))
