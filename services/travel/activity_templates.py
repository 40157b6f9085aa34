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
# Typical distances from the centre of what the templates describe, for travel times.
IN_TOWN_KM = 2.0
OUT_OF_TOWN_KM = 15.0

# Words travellers use for an interest, folded, mapped to the catalogue's interest.
_SYNONYMS = {
    "food": "food foodie cuisine gastronomy eating restaurants wine drinks coffee cooking",
    "history": "history historic heritage castles ruins archaeology monuments",
    "art": "art arts galleries museums museum design painting",
    "nature": "nature parks outdoors gardens mountains scenery",
    "nightlife": "nightlife bars clubs party music live music cocktails night life",
    "shopping": "shopping markets fashion souvenirs crafts",
    "family": "family kids children family friendly",
    "culture": "culture local life traditions festivals theatre theater religion photography",
    "beach": "beach beaches sea swimming coast island islands",
    "adventure": "adventure sports cycling kayaking climbing active skiing ski snowboarding",
    "architecture": "architecture buildings churches cathedrals temples",
    "wellness": "wellness spa relaxation yoga thermal baths",
    GENERAL: "sightseeing sights general landmarks city",
}

# Interests narrower than a catalogue interest, each served by particular templates of any
# interest (wildlife: reserves, birdwatching, zoos; there is no safari without a park's
# data), with the words travellers use for them.
FOCUSED = {
    "wildlife": ("nature.reserve", "nature.birdwatching", "family.zoo", "family.farm"),
    "hiking": ("nature.viewpoint-hike", "adventure.hard-hike", "nature.forest"),
}
_FOCUSED_SYNONYMS = {
    "wildlife": "wildlife, animals, animal, safari, safaris, zoo, zoos, national park, "
    "national parks, nature reserve, nature reserves, reserves, birds, birdwatching, birding",
    "hiking": "hiking, hike, hikes, trekking, trek, trails",
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
    # what the place and season must offer (see planner.activities.what_the_place_offers):
    # "sea", "lake", "river", "shore", "water", "hills", "mountains", "warm", "snow"
    needs: frozenset[str] = frozenset()
    km: float = 0.0  # distance from the centre when known (a half-day trip's town)

    def title_for(self, city: str) -> str:
        return self.title.format(city=city)

    @property
    def distance_km(self) -> float:
        """How far from the centre it takes place: the known distance, else a typical one
        (a template has no coordinates): out of town for "near {city}", else in town."""
        if self.km:
            return self.km
        return OUT_OF_TOWN_KM if "near {city}" in self.title else IN_TOWN_KM


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
    for interest, phrases in _FOCUSED_SYNONYMS.items():
        table[interest] = interest
        table.update({phrase.strip(): interest for phrase in phrases.split(",")})
    return table


@cache
def focused_templates() -> dict[str, tuple[Template, ...]]:
    """The templates that serve each focused interest (see FOCUSED)."""
    by_key = {t.key: t for found in catalogue().values() for t in found}
    return {interest: tuple(by_key[key] for key in keys) for interest, keys in FOCUSED.items()}


def canonical_interest(text: str) -> str | None:
    """The catalogue or focused interest a traveller's word stands for ("museums" -> "art",
    "safaris" -> "wildlife"), or None."""
    key = fold(text)
    table = _synonym_table()
    if key in table:
        return table[key]
    singular = key[:-1] if key.endswith("s") else key
    return table.get(singular)
