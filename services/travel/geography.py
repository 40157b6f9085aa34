"""What surrounds a city: the sea, a large lake or a large river near it, hills or
mountains around it, from data/geography.bin.

The facts come from GSHHG's land/sea/lake mask and river lines and from the altitude map
pvlib ships (see services.travel.build_geography, which also records the sources and
their licences); nothing here is guessed from names.
"""

import logging
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from services.travel.place_index import read_index

logger = logging.getLogger(__name__)

FORMAT = 2  # of geography.bin; bump when its layout changes
SEA = 1  # flag bits of a city's "city.water"
LAKE = 2
RIVER = 4
HILLS = 1  # flag bits of a city's "city.terrain"
MOUNTAINS = 2


def geography_path() -> Path:
    """Where the shipped flags live (services/travel/data/geography.bin)."""
    return Path(str(resources.files("services.travel.data") / "geography.bin"))


@dataclass(frozen=True)
class Surroundings:
    """Water near a city (within about 10 km for the sea, 15 km for a lake, 5 km for a
    large river) and the ground around it (hills within 15 km, mountains within 30 km)."""

    sea: bool
    lake: bool
    river: bool = False
    hills: bool = False
    mountains: bool = False
    elevation_m: int = 0  # of the city, on a grid of about 9 km
    highest_m: int = 0  # the highest ground within about 30 km

    @property
    def shore(self) -> bool:
        """The sea or a large lake: somewhere to swim or paddle from a shore."""
        return self.sea or self.lake

    @property
    def water(self) -> bool:
        """The sea, a large lake or a large river: somewhere for a boat or a waterfront."""
        return self.sea or self.lake or self.river


_NOTHING = Surroundings(sea=False, lake=False)


@cache
def _table() -> dict[str, "array[int]"]:
    _, sections = read_index(geography_path(), format_version=FORMAT)
    return sections


def surroundings(geoname_id: int) -> Surroundings:
    """What surrounds a city of the place index (nothing known for any other id)."""
    table = _table()
    ids = table["city.id"]
    row = bisect_left(ids, geoname_id)
    if row == len(ids) or ids[row] != geoname_id:
        logger.warning("no geography for city %d: assuming no water and flat land", geoname_id)
        return _NOTHING
    water, ground = table["city.water"][row], table["city.terrain"][row]
    return Surroundings(
        sea=bool(water & SEA),
        lake=bool(water & LAKE),
        river=bool(water & RIVER),
        hills=bool(ground & HILLS),
        mountains=bool(ground & MOUNTAINS),
        elevation_m=table["city.elevation"][row],
        highest_m=table["city.highest"][row],
    )


def warm_up() -> None:
    """Loads the table now rather than on the first request."""
    _table()
