"""What surrounds a city: the sea or a large lake near it, from data/geography.bin.

The flags come from GSHHG's land/sea/lake mask (see services.travel.build_geography,
which also records the source and licence); nothing here is guessed from names.
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

FORMAT = 1  # of geography.bin; bump when its layout changes
SEA = 1  # flag bits of a city's "city.water"
LAKE = 2


def geography_path() -> Path:
    """Where the shipped flags live (services/travel/data/geography.bin)."""
    return Path(str(resources.files("services.travel.data") / "geography.bin"))


@dataclass(frozen=True)
class Surroundings:
    """Water near a city (within about 10 km for the sea, 15 km for a lake)."""

    sea: bool
    lake: bool

    @property
    def water(self) -> bool:
        """The sea or a large lake: somewhere for a boat or a waterfront."""
        return self.sea or self.lake


@cache
def _table() -> tuple["array[int]", "array[int]"]:
    _, sections = read_index(geography_path(), format_version=FORMAT)
    return sections["city.id"], sections["city.water"]


def surroundings(geoname_id: int) -> Surroundings:
    """The water near a city of the place index (none known for any other id)."""
    ids, flags = _table()
    row = bisect_left(ids, geoname_id)
    if row == len(ids) or ids[row] != geoname_id:
        logger.warning("no geography for city %d: assuming no water near", geoname_id)
        return Surroundings(sea=False, lake=False)
    value = flags[row]
    return Surroundings(sea=bool(value & SEA), lake=bool(value & LAKE))


def warm_up() -> None:
    """Loads the table now rather than on the first request."""
    _table()
