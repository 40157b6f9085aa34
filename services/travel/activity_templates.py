"""Activity catalogue: generic but plausible activities per interest, for any city.

Titles are templates over the city's name ("Market breakfast in {city}"), so that
every city gets a plan from shipped data alone. Each activity has a cost tier
(priced from the country's price level, see costs.py), a usual duration and the
parts of the day it suits: m(orning), a(fternoon), e(vening). The rows live in
data/catalogue.json.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from services.travel.data_files import load
from services.travel.text import fold

# A tier's price as a multiple of the country's typical activity price.
TIER_FACTOR = {"free": Decimal(0), "low": Decimal("0.5"), "mid": Decimal(1), "high": Decimal("2.5")}
GENERAL = "sightseeing"

# Words travellers use for an interest, folded, mapped to the catalogue's interest.
_SYNONYMS = {
    "food": "food foodie cuisine gastronomy eating restaurants wine drinks coffee cooking",
    "history": "history historic heritage castles ruins archaeology monuments",
    "art": "art arts galleries museums museum design painting",
    "nature": "nature parks hiking wildlife outdoors gardens mountains scenery",
    "nightlife": "nightlife bars clubs party music live music cocktails night life",
    "shopping": "shopping markets fashion souvenirs crafts",
    "family": "family kids children family friendly zoo",
    "culture": "culture local life traditions festivals theatre theater religion photography",
    "beach": "beach beaches sea swimming coast island islands",
    "adventure": "adventure sports cycling kayaking climbing active",
    "architecture": "architecture buildings churches cathedrals temples",
    "wellness": "wellness spa relaxation yoga thermal baths",
    GENERAL: "sightseeing sights general landmarks city",
}


@dataclass(frozen=True)
class Template:
    """One catalogue activity, not yet placed in a city."""

    key: str  # "food.market-breakfast": stable across releases, seeds the choice
    interest: str
    title: str  # with "{city}"
    description: str
    tier: str  # key of TIER_FACTOR
    minutes: int
    parts: frozenset[str]  # subset of {"m", "a", "e"}
    light: str = ""  # "day", "sunset", "sunrise", or "" for any time
    needs: frozenset[str] = frozenset()  # subset of {"sea", "water", "warm"}

    def title_for(self, city: str) -> str:
        return self.title.format(city=city)


@cache
def catalogue() -> dict[str, tuple[Template, ...]]:
    """Templates by interest (including GENERAL), from data/catalogue.json."""
    rows: dict[str, list[dict[str, Any]]] = load("catalogue")["interests"]
    return {
        interest: tuple(
            Template(
                key=f"{interest}.{row['key']}",
                interest=interest,
                title=str(row["title"]),
                description=str(row["description"]),
                tier=str(row["tier"]),
                minutes=int(row["minutes"]),
                parts=frozenset(str(row["parts"])),
                light=str(row.get("light", "")),
                needs=frozenset(str(row.get("needs", "")).split()),
            )
            for row in entries
        )
        for interest, entries in rows.items()
    }


def interests() -> tuple[str, ...]:
    """The interests the catalogue has activities for (GENERAL left out)."""
    return tuple(interest for interest in catalogue() if interest != GENERAL)


@cache
def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for interest, words in _SYNONYMS.items():
        for word in words.split():
            table[word] = interest
        table[interest] = interest
    table.update({"street food": "food", "live music": "nightlife", "local life": "culture"})
    table.update({"family friendly": "family", "night life": "nightlife"})
    return table


def canonical_interest(text: str) -> str | None:
    """The catalogue interest a traveller's word stands for ("museums" -> "art"), or None."""
    key = fold(text)
    table = _synonym_table()
    if key in table:
        return table[key]
    singular = key[:-1] if key.endswith("s") else key
    return table.get(singular)
