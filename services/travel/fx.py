"""Currency conversion from the ECB reference rates shipped in `currencyconverter`.

The converter is built once per process, on first use. Conversion uses the
rates of one reported date: the latest date the shipped file has for both
currencies, since trips are planned ahead and future rates do not exist.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from currency_converter import CurrencyConverter

from services.travel.currencies import is_iso_currency
from services.travel.money import round_money


@dataclass(frozen=True)
class Conversion:
    """An amount converted at one ECB rate."""

    amount: Decimal  # converted, not rounded
    currency: str
    rate: Decimal  # units of `currency` per unit of the source currency
    rate_date: date | None  # None when no conversion was needed (same currency)

    def rounded(self) -> Decimal:
        return round_money(self.amount, self.currency)


@cache
def _converter() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@cache
def latest_rate_date() -> date:
    """Latest date of the shipped ECB rates."""
    last: date = max(bounds.last_date for bounds in _converter().bounds.values())
    return last


@cache
def supported_currencies() -> frozenset[str]:
    """ISO 4217 codes that the ECB still publishes a rate for.

    Currencies whose rates stopped (replaced by the euro, suspended) are left out,
    so a conversion never silently uses a years-old rate.
    """
    converter = _converter()
    latest = latest_rate_date()
    return frozenset(
        code
        for code in converter.currencies
        if is_iso_currency(code) and converter.bounds[code].last_date == latest
    )


def is_supported(currency: str) -> bool:
    """Whether amounts can be converted to and from `currency`."""
    return currency in supported_currencies()


def rate(source: str, target: str) -> tuple[Decimal, date | None]:
    """Units of `target` per unit of `source`, and the ECB date of that rate.

    Raises KeyError for a currency without a current ECB rate (callers validate first).
    """
    if source == target:
        return Decimal(1), None
    for code in (source, target):
        if not is_supported(code):
            raise KeyError(f"no ECB rate for {code}")
    when = latest_rate_date()
    # repr of the float is its shortest exact decimal form, so Decimal gets no binary noise
    value = Decimal(repr(_converter().convert(1, source, target, date=when)))
    return value, when


def rate_on(source: str, target: str, day: date | None) -> tuple[Decimal, date | None]:
    """Like rate(), at the ECB rate of `day` (the latest when `day` is None or later).

    Days without a fixing (weekends, holidays) are interpolated by currencyconverter.
    """
    if day is None or source == target or day >= latest_rate_date():
        return rate(source, target)
    for code in (source, target):
        if not is_supported(code):
            raise KeyError(f"no ECB rate for {code}")
    return Decimal(repr(_converter().convert(1, source, target, date=day))), day


def convert(amount: Decimal, source: str, target: str) -> Conversion:
    """`amount` of `source` in `target`, exact Decimal arithmetic at the reported rate."""
    value, when = rate(source, target)
    return Conversion(amount=amount * value, currency=target, rate=value, rate_date=when)
