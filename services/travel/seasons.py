"""Season and weather expectation from latitude and month, and local time.

A deliberate simplification: temperate latitudes get the four astronomical-ish
meteorological seasons (flipped south of the equator); the tropics get a wet and
a dry season following the usual monsoon pattern of each hemisphere.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_TROPIC = 23.5
_SUBTROPIC = 35.0
_COLD = 55.0
_POLAR = 66.5

_NORTH_SEASONS = {
    12: "winter", 1: "winter", 2: "winter",
    3: "spring", 4: "spring", 5: "spring",
    6: "summer", 7: "summer", 8: "summer",
    9: "autumn", 10: "autumn", 11: "autumn",
}  # fmt: skip
_OPPOSITE = {"winter": "summer", "summer": "winter", "spring": "autumn", "autumn": "spring"}

SEASONS = ("spring", "summer", "autumn", "winter", "wet season", "dry season")


@dataclass(frozen=True)
class SeasonInfo:
    """The season at a place in a month, and what weather to expect."""

    season: str  # one of SEASONS
    climate: str  # "tropical", "subtropical", "temperate", "cold", "polar"
    weather: str  # one sentence


def climate_band(latitude: float) -> str:
    """Rough climate band of a latitude."""
    band = abs(latitude)
    if band < _TROPIC:
        return "tropical"
    if band < _SUBTROPIC:
        return "subtropical"
    if band < _COLD:
        return "temperate"
    if band < _POLAR:
        return "cold"
    return "polar"


def season(latitude: float, month: int) -> str:
    """Season at `latitude` in `month` (1..12), such as "spring" or "wet season"."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    if abs(latitude) < _TROPIC:
        # Monsoon rains follow the sun: May-October north of the equator, November-April south.
        wet = 5 <= month <= 10 if latitude >= 0 else not 5 <= month <= 10
        return "wet season" if wet else "dry season"
    northern = _NORTH_SEASONS[month]
    return northern if latitude >= 0 else _OPPOSITE[northern]


def swimming_weather(latitude: float, month: int) -> bool:
    """Whether outdoor swimming and beach days make sense: always in the tropics, outside
    winter in the subtropics, in summer at temperate latitudes, never further out (no
    beach day at 5 °C)."""
    climate = climate_band(latitude)
    name = season(latitude, month)
    if climate == "tropical":
        return True
    if climate == "subtropical":
        return name != "winter"
    return climate == "temperate" and name == "summer"


# How high the ground must reach for snow to lie on it in winter, by climate band (in the
# tropics only glaciers keep snow, and no season brings it lower); a month of spring or
# autumn needs _SHOULDER_M more, summer is left out.
_SNOW_M = {"subtropical": 2000, "temperate": 800, "cold": 0, "polar": 0}
_SHOULDER_M = 1500


def snow_season(latitude: float, month: int, highest_m: int) -> bool:
    """Whether snow can be expected on the ground near a place in `month`, where the highest
    ground within reach stands at `highest_m` metres: in winter on mountains of a height
    that depends on the latitude (800 m at temperate latitudes, 2000 m in the subtropics,
    any in the cold and polar bands), in spring and autumn only 1500 m higher, never in the
    tropics nor in summer. A rule of thumb for planning, not a snow report."""
    climate = climate_band(latitude)
    if climate == "tropical":
        return False
    name = season(latitude, month)
    if name == "winter":
        return highest_m >= _SNOW_M[climate]
    if name in ("spring", "autumn"):
        return highest_m >= _SNOW_M[climate] + _SHOULDER_M
    return False


_WEATHER = {
    ("tropical", "wet season"): "hot and humid with heavy, often short afternoon downpours",
    ("tropical", "dry season"): "warm to hot and mostly dry; the best time for outdoor plans",
    ("subtropical", "summer"): "hot, often above 30 °C; plan outdoor visits early or late",
    ("subtropical", "winter"): "mild days and cool nights; some rain is likely",
    ("subtropical", "spring"): "warm and pleasant, with occasional showers",
    ("subtropical", "autumn"): "warm days cooling off, with the first rains",
    ("temperate", "summer"): "warm to hot with long days; occasional thunderstorms",
    ("temperate", "winter"): "cool to cold, from mild on the coast to freezing inland, with "
    "short days",
    ("temperate", "spring"): "mild and changeable; bring layers and a light rain jacket",
    ("temperate", "autumn"): "cooling down and changeable, with more rain as it goes on",
    ("cold", "summer"): "cool to mild with very long days",
    ("cold", "winter"): "cold and dark, often below freezing, with snow",
    ("cold", "spring"): "chilly and slowly thawing; days get long fast",
    ("cold", "autumn"): "cool and wet, turning cold; days get short fast",
}


def season_info(latitude: float, month: int) -> SeasonInfo:
    """Season, climate band and a weather sentence for a place and month."""
    name = season(latitude, month)
    climate = climate_band(latitude)
    if climate == "polar":
        weather = "cold even in summer; expect midnight sun in summer and polar night in winter"
    else:
        weather = _WEATHER.get((climate, name), "changeable; check the forecast before you go")
    return SeasonInfo(season=name, climate=climate, weather=weather)


def utc_offset(time_zone: str, on: date) -> str:
    """ "UTC+01:00": the offset of `time_zone` at noon of a day ("" for an unknown zone)."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    offset = datetime.combine(on, time(12), tzinfo=zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
