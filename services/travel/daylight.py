"""Sunrise and sunset of a place on a date, in the place's own time zone (astral, offline).

Times are minutes after local midnight. Polar night has an empty window (sunrise and
sunset both at noon) and midnight sun the whole day (0 to 1440), so that "is this
outdoor activity in daylight" is one comparison everywhere.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from astral import Observer
from astral.sun import elevation, sunrise, sunset

DAY_MINUTES = 24 * 60
_NOON = 12 * 60


@dataclass(frozen=True)
class Daylight:
    """When the sun is up on one day, in minutes after local midnight."""

    sunrise: int
    sunset: int

    @property
    def has_sunrise(self) -> bool:
        """Whether the sun rises that day (no polar night, no midnight sun)."""
        return 0 < self.sunrise < self.sunset < DAY_MINUTES

    @property
    def hours(self) -> float:
        """Hours of daylight."""
        return max(0, self.sunset - self.sunrise) / 60

    def covers(self, start: int, end: int) -> bool:
        """Whether [start, end] lies in daylight."""
        return self.sunrise <= start and end <= self.sunset


POLAR_NIGHT = Daylight(_NOON, _NOON)
MIDNIGHT_SUN = Daylight(0, DAY_MINUTES)


@lru_cache(maxsize=512)  # ZoneInfo's own cache keeps only 8 zones strongly
def _zone(time_zone: str) -> dt.tzinfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _minutes(moment: dt.datetime, day: dt.date) -> int:
    # astral may answer with the next or the previous local day near the polar circles
    shift = (moment.date() - day).days * DAY_MINUTES
    return max(0, min(DAY_MINUTES, shift + moment.hour * 60 + moment.minute))


@lru_cache(maxsize=4096)
def daylight(latitude: float, longitude: float, time_zone: str, day: dt.date) -> Daylight:
    """Sunrise and sunset at a point on a local date."""
    observer, zone = Observer(latitude, longitude), _zone(time_zone)
    try:
        rise, set_ = sunrise(observer, day, zone), sunset(observer, day, zone)
    except ValueError:  # the sun stays below (or above) the horizon all day
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
        return MIDNIGHT_SUN if elevation(observer, noon) > 0 else POLAR_NIGHT
    return Daylight(_minutes(rise, day), _minutes(set_, day))


def daylight_by_day(
    latitude: float, longitude: float, time_zone: str, days: list[dt.date]
) -> list[Daylight]:
    """Daylight of each day of a trip.

    Over a trip of up to a month, sunrise and sunset move almost linearly: the first and
    last days are computed and the days between interpolated (off by a few minutes at
    most), unless either end is polar or the clocks change on the way, when every day is
    computed.
    """
    each = [daylight(latitude, longitude, time_zone, day) for day in days[:1] + days[-1:]]
    first, last = each[0], each[-1]
    zone = _zone(time_zone)
    offsets = {dt.datetime.combine(d, dt.time(12), tzinfo=zone).utcoffset() for d in days}
    if len(days) <= 2 or len(offsets) > 1 or not (first.has_sunrise and last.has_sunrise):
        return [daylight(latitude, longitude, time_zone, day) for day in days]
    span = len(days) - 1
    return [
        Daylight(
            round(first.sunrise + (last.sunrise - first.sunrise) * i / span),
            round(first.sunset + (last.sunset - first.sunset) * i / span),
        )
        for i in range(len(days))
    ]
