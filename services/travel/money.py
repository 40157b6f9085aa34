"""Exact money: Decimal amounts, google.type.Money's units/nanos, rounding.

Sums are always Decimal; floats never enter an amount. Rounding is to the
currency's minor unit (cents for most) with ROUND_HALF_EVEN (banker's rounding),
so that rounding errors do not drift in one direction over many line items.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from services.travel.currencies import minor_units

_NANO = Decimal("1e-9")
_NANOS_PER_UNIT = 1_000_000_000


def to_decimal(units: int, nanos: int) -> Decimal:
    """The amount that google.type.Money's `units` and `nanos` stand for.

    No trailing zeros are invented: (1500, 0) is 1500 and (24, 500000000) is 24.5.
    """
    if nanos == 0:
        return Decimal(units)
    return Decimal(units) + Decimal(nanos) / _NANOS_PER_UNIT


def to_units_nanos(amount: Decimal) -> tuple[int, int]:
    """(units, nanos) of `amount`, both with the amount's sign (as google.type.Money wants).

    Amounts finer than a nano are rounded half-even.
    """
    exact = amount.quantize(_NANO, rounding=ROUND_HALF_EVEN)
    units = int(exact)  # truncates toward zero, so nanos keeps the sign
    nanos = int((exact - units) * _NANOS_PER_UNIT)
    return units, nanos


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-even to the minor unit of `currency` (cents for EUR, yen for JPY)."""
    step = Decimal(1).scaleb(-minor_units(currency))
    return amount.quantize(step, rounding=ROUND_HALF_EVEN)


def round_nicely(amount: Decimal, currency: str) -> Decimal:
    """`amount` to two significant digits, as prices are posted ("24", "3400", "1.5").

    Used for catalogue prices, never for sums.
    """
    if amount <= 0:
        return round_money(Decimal(0), currency)
    exponent = amount.adjusted() - 1  # keep two significant digits
    step = Decimal(1).scaleb(max(exponent, -minor_units(currency)))
    return round_money(amount.quantize(step, rounding=ROUND_HALF_EVEN), currency)


@dataclass(frozen=True)
class Money:
    """An exact amount in a currency (ISO 4217 code)."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, units: int, nanos: int, currency: str) -> "Money":
        return cls(to_decimal(units, nanos), currency)

    def rounded(self) -> "Money":
        return Money(round_money(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{format_amount(self.amount, self.currency)} {self.currency}"


def format_amount(amount: Decimal, currency: str) -> str:
    """ "1,234.50" for EUR, "3,400" for JPY."""
    places = minor_units(currency)
    return f"{round_money(amount, currency):,.{places}f}"
