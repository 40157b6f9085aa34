"""Daily travel costs per country and travel style, in USD.

A country's costs are the US baseline below scaled by its price level.

Source of the price levels: World Bank, International Comparison Program 2021,
"Price level ratio of PPP conversion factor (GDP) to market exchange rate"
(indicator PA.NUS.PPPC.RF, published 2024), US = 1.00, rounded to two digits;
territories and countries the ICP does not price are set from their neighbours.
The US mid-range baseline follows typical 2024 prices (a mid-range double room,
three simple restaurant meals, a day of public transport, a museum-class ticket).
Countries missing from the table fall back to their continent's level.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

STYLES = ("budget", "mid-range", "comfort")

_PRICE_LEVEL = {
    # Europe
    "CH": "1.25", "NO": "1.15", "IS": "1.20", "DK": "1.05", "LU": "1.05", "MC": "1.15",
    "LI": "1.20", "IE": "0.95", "SE": "0.95", "FI": "0.95", "NL": "0.88", "BE": "0.88",
    "AT": "0.85", "GB": "0.85", "DE": "0.82", "FR": "0.82", "IT": "0.72", "SM": "0.72",
    "VA": "0.72", "ES": "0.68", "AD": "0.70", "MT": "0.65", "CY": "0.65", "EE": "0.65",
    "PT": "0.60", "SI": "0.60", "GR": "0.58", "LV": "0.58", "CZ": "0.55", "SK": "0.55",
    "LT": "0.52", "HR": "0.50", "HU": "0.47", "PL": "0.45", "RS": "0.45", "ME": "0.45",
    "BA": "0.42", "AL": "0.42", "RO": "0.42", "BG": "0.40", "MK": "0.38", "MD": "0.35",
    "RU": "0.38", "UA": "0.33", "BY": "0.30", "TR": "0.30", "GE": "0.33", "AM": "0.38",
    "AZ": "0.35", "XK": "0.40",
    # Asia and the Middle East
    "IL": "1.00", "SG": "0.75", "HK": "0.75", "MO": "0.70", "JP": "0.80", "KR": "0.70",
    "TW": "0.55", "CN": "0.60", "AE": "0.68", "QA": "0.70", "KW": "0.60", "BH": "0.55",
    "OM": "0.55", "SA": "0.55", "JO": "0.55", "MV": "0.55", "TH": "0.40", "MY": "0.38",
    "PH": "0.40", "VN": "0.36", "ID": "0.35", "KH": "0.35", "LA": "0.30", "MM": "0.25",
    "MN": "0.35", "KZ": "0.35", "UZ": "0.30", "KG": "0.30", "IN": "0.28", "LK": "0.30",
    "NP": "0.30", "BD": "0.33", "PK": "0.25", "BT": "0.30", "BN": "0.50",
    # Africa
    "SC": "0.65", "NA": "0.50", "CV": "0.50", "BW": "0.45", "ZA": "0.45", "MU": "0.42",
    "KE": "0.42", "MA": "0.40", "SN": "0.40", "TZ": "0.37", "UG": "0.36", "ET": "0.35",
    "GH": "0.35", "NG": "0.35", "RW": "0.35", "TN": "0.30", "MG": "0.30", "EG": "0.25",
    # The Americas
    "US": "1.00", "PR": "0.85", "BM": "1.30", "KY": "1.15", "BS": "0.95", "BB": "0.90",
    "CA": "0.88", "UY": "0.72", "CR": "0.60", "BZ": "0.60", "JM": "0.60", "CL": "0.60",
    "MX": "0.55", "EC": "0.52", "PA": "0.50", "GT": "0.50", "DO": "0.50", "BR": "0.48",
    "PE": "0.47", "AR": "0.45", "BO": "0.40", "PY": "0.40", "CO": "0.35", "CU": "0.50",
    # Oceania
    "AU": "1.00", "NZ": "0.95", "PF": "1.00", "NC": "1.00", "FJ": "0.55",
}  # fmt: skip

# Continent levels for countries missing above: about the median of the priced countries there.
_CONTINENT_LEVEL = {
    "EU": "0.60", "AS": "0.45", "AF": "0.40", "NA": "0.65", "SA": "0.45", "OC": "0.90",
    "AN": "1.00",
}  # fmt: skip

# Mid-range US prices in USD: a double room per night, food per person per day,
# local transport per person per day, and a typical paid activity per person.
_US_BASELINE = {"lodging": 160, "food": 70, "transport": 15, "activity": 30}

# What each style pays relative to mid-range (hostel rooms and street food vs hotels and taxis).
_STYLE_FACTOR = {
    "budget": {"lodging": "0.40", "food": "0.50", "transport": "0.70", "activity": "0.75"},
    "mid-range": {"lodging": "1", "food": "1", "transport": "1", "activity": "1"},
    "comfort": {"lodging": "2.2", "food": "1.8", "transport": "2.5", "activity": "1.5"},
}

# Hotels in metropolises cost more than the national price level says.
_BIG_CITY_POPULATION = 1_000_000
_BIG_CITY_LODGING = Decimal("1.15")


@dataclass(frozen=True)
class DailyCosts:
    """What a day costs in one country and style, in USD (whole dollars)."""

    lodging_per_room: Decimal  # per room (two travellers) per night
    food_per_person: Decimal  # per traveller per day
    transport_per_person: Decimal  # local transport, per traveller per day
    activity_unit: Decimal  # a typical paid activity, per traveller
    style: str
    basis: str  # "PT" when the country is in the table, else "continent EU"
    currency: str = "USD"


def price_level(country_code: str, continent: str) -> tuple[Decimal, str]:
    """The price level of a country (US = 1) and what it came from."""
    if country_code in _PRICE_LEVEL:
        return Decimal(_PRICE_LEVEL[country_code]), country_code
    return Decimal(_CONTINENT_LEVEL.get(continent, "0.60")), f"continent {continent or '?'}"


@lru_cache(maxsize=2048)  # pure, and asked for every activity priced
def daily_costs(
    country_code: str, continent: str, style: str, *, population: int = 0
) -> DailyCosts:
    """Daily costs in `country_code` for a style in STYLES ("budget", "mid-range", "comfort").

    Raises ValueError for an unknown style.
    """
    if style not in _STYLE_FACTOR:
        raise ValueError(f"unknown travel style {style!r}")
    level, basis = price_level(country_code, continent)
    factor = _STYLE_FACTOR[style]

    def scaled(item: str) -> Decimal:
        value = Decimal(_US_BASELINE[item]) * level * Decimal(factor[item])
        return value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)

    lodging = scaled("lodging")
    if population >= _BIG_CITY_POPULATION:
        lodging = (lodging * _BIG_CITY_LODGING).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return DailyCosts(
        lodging_per_room=lodging,
        food_per_person=scaled("food"),
        transport_per_person=scaled("transport"),
        activity_unit=scaled("activity"),
        style=style,
        basis=basis,
    )
