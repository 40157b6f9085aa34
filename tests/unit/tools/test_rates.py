"""ToolRates gives the same Decimal rates as services.travel.fx, through the tool."""

from decimal import Decimal

from services.budget.rate_sources import ToolRates
from services.budget.tools import convert_currency
from services.tools.definition import JsonObject
from services.tools.structs import to_dict, to_struct
from services.travel import fx


class LocalTools:
    """The tool's own function, with the JSON/Struct round trip the router adds."""

    def __init__(self) -> None:
        self.calls = 0

    async def call(self, tool: str, arguments: JsonObject) -> JsonObject:
        assert tool == "currency.convert"
        self.calls += 1
        return to_dict(to_struct(convert_currency(to_dict(to_struct(arguments)))))


async def test_rates_match_fx_exactly_and_are_fetched_once() -> None:
    tools = LocalTools()
    rates = ToolRates(tools)
    fetched = await rates.prefetch([("USD", "EUR"), ("JPY", "EUR"), ("USD", "EUR"), ("EUR", "EUR")])
    assert fetched[("USD", "EUR")] == fx.rate("USD", "EUR")
    assert fetched[("JPY", "EUR")] == fx.rate("JPY", "EUR")
    assert fetched[("EUR", "EUR")] == (Decimal(1), None)
    await rates.rate("USD", "EUR")
    assert tools.calls == 2
