"""Destination resolution: free text such as "Lisbon", "Lisbon, Portugal" or "lisboa" to a city.

Primary names win over alternate names; a qualifier after a comma (a country,
or a US state) narrows the candidates; among several matches the most populous
is chosen, with a warning only when the choice is a real doubt (no match dominates
the others); a country alone stands for its capital.
"""

import difflib
import math
from dataclasses import dataclass
from functools import cache, lru_cache

from services.runtime.errors import InvalidArgument
from services.travel.place_index import City, Country, PlaceIndex, place_index
from services.travel.text import fold


@dataclass(frozen=True)
class Place:
    """A city a destination resolved to, with what planning needs to know of it."""

    geoname_id: int
    name: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    time_zone: str
    currency_code: str
    languages: tuple[str, ...]  # BCP 47 tags, most common first
    population: int
    continent: str  # geonames continent code: EU, AS, AF, NA, SA, OC, AN
    region: str = ""  # US state name, else empty

    @property
    def label(self) -> str:
        """ "Lisbon, Portugal", or "Portland, Oregon, United States"."""
        parts = [self.name, self.region, self.country]
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Resolution:
    """The place a destination resolved to, and what the traveller should know about it."""

    place: Place
    warnings: tuple[str, ...] = ()


def resolve_place(text: str) -> Resolution:
    """The city that `text` names.

    Raises InvalidArgument(reason="UNKNOWN_DESTINATION", field="destination") with the
    closest names in `metadata["suggestions"]` when nothing matches.
    """
    return _resolve(" ".join(text.split()))


@lru_cache(maxsize=4096)  # bounded: destinations are free text from the outside
def _resolve(text: str) -> Resolution:
    index = place_index()
    name, qualifiers = _split_qualifiers(index, text)
    ignored = tuple(q for q in qualifiers if not _known_qualifier(index, q))
    qualifiers = tuple(q for q in qualifiers if q not in ignored)
    ids = _candidates(index, name, qualifiers)
    if ids:
        resolution = _pick(index, text, ids)
        if ignored:
            note = f"Ignored {', '.join(repr(q) for q in ignored)}: not a country or US state."
            return Resolution(resolution.place, (*resolution.warnings, note))
        return resolution
    country = index.country_keys.get(fold(text))
    if country is not None:
        return _capital_of(index, index.countries[country], text)
    raise _unknown(index, text, name, qualifiers)


@lru_cache(maxsize=1024)  # bounded, as _resolve; Place is frozen: one may be shared
def place_named(name: str, country_code: str, latitude: float, longitude: float) -> Place | None:
    """The city whose geonames name is `name`, in that country, nearest those coordinates;
    None when there is none.

    For a place another service already resolved (an itinerary's destination): it reads
    the city table and primary names only, never the alternate names that resolving free
    text needs, so a process that only receives places keeps those unloaded. The budget
    agent and the guide look up every itinerary's destination, a search of the compact
    name table that took about half of reading the itinerary: kept, like _resolve's.
    """
    index = place_index()
    candidates = [index.cities[i] for i in index.by_name.get(fold(name), ())]
    candidates = [city for city in candidates if city.country_code == country_code]
    if not candidates:
        return None
    here = (latitude, longitude)  # math.dist: no OverflowError on absurd coordinates
    nearest = min(
        candidates, key=lambda c: (math.dist((c.latitude, c.longitude), here), c.geoname_id)
    )
    return _place(index, nearest)


def continent_of(country_code: str) -> str:
    """The geonames continent code of a country ("EU" for "PT"), or "" when unknown."""
    country = place_index().countries.get(country_code)
    return country.continent if country else ""


def names_a_place(text: str) -> bool:
    """Whether `text` names a city that resolve_place finds by name (with only known
    qualifiers: "Porto, Portugal", not "Porto, Osaka") or a country; no guess at a
    misspelling and no suggestions, so it is quick enough to try on every word of a text."""
    index = place_index()
    text = " ".join(text.split())
    name, qualifiers = _split_qualifiers(index, text)
    if not all(_known_qualifier(index, qualifier) for qualifier in qualifiers):
        return False
    return bool(_candidates(index, name, qualifiers)) or fold(text) in index.country_keys


def _split_qualifiers(index: PlaceIndex, text: str) -> tuple[str, tuple[str, ...]]:
    """("Lisbon", ("Portugal",)) for "Lisbon, Portugal"; the whole text when it is a name."""
    folded = fold(text)
    if folded in index.by_name or folded in index.by_alternate:
        return text, ()
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > 1:
        return parts[0], tuple(parts[1:])
    words = text.split()
    for size in (3, 2, 1):  # "Paris France", "Cape Town South Africa"
        if len(words) > size and fold(" ".join(words[-size:])) in index.country_keys:
            return " ".join(words[:-size]), (" ".join(words[-size:]),)
    return text, ()


def _qualifier_filter(index: PlaceIndex, qualifier: str) -> tuple[set[str], set[str]]:
    """Country codes and US state codes that a qualifier may stand for ("GA": Gabon or Georgia)."""
    keys = {fold(qualifier), fold(qualifier).replace(" ", "")}  # "D.C." is "DC"
    countries = {index.country_keys[key] for key in keys if key in index.country_keys}
    states = {index.us_states[key] for key in keys if key in index.us_states}
    return countries, states


def _known_qualifier(index: PlaceIndex, qualifier: str) -> bool:
    countries, states = _qualifier_filter(index, qualifier)
    return bool(countries or states)


def _matches(index: PlaceIndex, city: City, qualifiers: tuple[str, ...]) -> bool:
    for qualifier in qualifiers:
        countries, states = _qualifier_filter(index, qualifier)
        in_state = city.country_code == "US" and city.admin1 in states
        if city.country_code not in countries and not in_state:
            return False
    return True


def _candidates(index: PlaceIndex, name: str, qualifiers: tuple[str, ...]) -> tuple[int, ...]:
    key = fold(name)
    for table in (index.by_name, index.by_alternate):
        ids = tuple(i for i in table.get(key, ()) if _matches(index, index.cities[i], qualifiers))
        if ids:
            return ids
    return ()


def _rank(index: PlaceIndex, city_id: int) -> tuple[int, int]:
    # most populous first; the geonames id breaks ties so the choice never depends on order
    return (-index.cities[city_id].population, city_id)


# A match this many times as populous as the next one is what nearly everyone means
# ("Lisbon" is Lisbon, Portugal, not Lisbon, Maine): no warning then. Below it ("Valencia":
# Venezuela's 1.6 M against Spain's 0.8 M) the traveller is told and shown the others.
DOMINANCE = 10


def _pick(index: PlaceIndex, text: str, ids: tuple[int, ...]) -> Resolution:
    ranked = sorted(ids, key=lambda i: _rank(index, i))
    chosen = _place(index, index.cities[ranked[0]])
    others = [_place(index, index.cities[i]) for i in ranked[1:]]
    others = [other for other in others if other.label != chosen.label]
    if not others or chosen.population >= DOMINANCE * others[0].population:
        return Resolution(chosen)
    alternatives = "; ".join(f'"{other.label}"' for other in others[:3])
    warning = (
        f'"{text}" matches {len(others) + 1} places; planned for {chosen.label}, the most '
        f"populous. Name the country to choose another, such as {alternatives}."
    )
    return Resolution(chosen, (warning,))


def _capital_of(index: PlaceIndex, country: Country, text: str) -> Resolution:
    ids = _candidates(index, country.capital, (country.code,)) if country.capital else ()
    if not ids:
        ids = tuple(c.geoname_id for c in index.cities.values() if c.country_code == country.code)
    if not ids:
        raise _unknown(index, text, text, ())
    city = index.cities[min(ids, key=lambda i: _rank(index, i))]
    place = _place(index, city)
    warning = f'"{text}" is a country; planned for {place.label}. Name a city to plan another.'
    return Resolution(place, (warning,))


def _place(index: PlaceIndex, city: City) -> Place:
    country = index.countries.get(city.country_code)
    region = index.us_state_names.get(city.admin1, "") if city.country_code == "US" else ""
    return Place(
        geoname_id=city.geoname_id,
        name=city.name,
        country=country.name if country else city.country_code,
        country_code=city.country_code,
        latitude=city.latitude,
        longitude=city.longitude,
        time_zone=city.time_zone,
        currency_code=country.currency_code if country else "",
        languages=country.languages if country else (),
        population=city.population,
        continent=country.continent if country else "",
        region=region,
    )


def suggestions(text: str, limit: int = 5) -> list[str]:
    """Labels of the places whose names are closest to `text`, most similar first."""
    index = place_index()
    name, qualifiers = _split_qualifiers(index, text)
    found: list[str] = []
    if qualifiers:  # the name exists, just not there: offer where it is
        found += [_place(index, index.cities[i]).label for i in _candidates(index, name, ())]
    for key in difflib.get_close_matches(fold(name), _suggestion_keys(), n=limit, cutoff=0.7):
        ids = index.by_name[key]
        inside = [i for i in ids if _matches(index, index.cities[i], qualifiers)] or list(ids)
        found.append(_place(index, index.cities[min(inside, key=lambda i: _rank(index, i))]).label)
    return list(dict.fromkeys(found))[:limit]


@cache
def _suggestion_keys() -> tuple[str, ...]:
    # primary names only: alternates are ten times as many and would make typos slow
    return tuple(sorted(place_index().by_name))


def _unknown(
    index: PlaceIndex, text: str, name: str, qualifiers: tuple[str, ...]
) -> InvalidArgument:
    offered = suggestions(text)
    quoted = " or ".join(f'"{label}"' for label in offered[:3])
    hint = f" Did you mean {quoted}?" if offered else " Try the nearest larger city."
    return InvalidArgument(
        f'destination "{text}" is not a known city.{hint}',
        reason="UNKNOWN_DESTINATION",
        field="destination",
        metadata={"suggestions": "; ".join(offered)},
    )
