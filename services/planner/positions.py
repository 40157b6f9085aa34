"""Where an activity happens, approximately, so that a day can be drawn as a sketch.

The shipped catalogue's activities are templates over a city, with no address: each
gets a stable point near the city centre, seeded by its title (the same trip draws the
same sketch), within a radius that grows with the city. A half-day trip is placed at
its town, found among the real towns near the city.
"""

import math
import re

from google.type import latlng_pb2
from tripmesh.v1 import trip_pb2

from services.planner.activities import half_day_trip_towns
from services.travel.places import Place
from services.travel.text import stable_hash

_HALF_DAY_TRIP = re.compile(r"^Half-day trip to (?P<town>.+)$")
_KM_PER_DEGREE = 111.32


def city_radius_km(place: Place) -> float:
    """How far from the centre a city's sights spread: 1.5 km for a town, 6 km for a metropolis."""
    return min(6.0, max(1.5, math.log10(max(place.population, 10)) - 3.5))


def position_of(title: str, place: Place) -> latlng_pb2.LatLng:
    """The approximate position of the activity called `title` in `place`."""
    trip = _HALF_DAY_TRIP.match(title)
    if trip is not None:
        town = half_day_trip_towns(place).get(trip.group("town"))
        if town is not None:
            return latlng_pb2.LatLng(latitude=town[0], longitude=town[1])
    seed = stable_hash(str(place.geoname_id), title)
    angle = (seed & 0xFFFF) / 0x10000 * 2 * math.pi
    # sqrt spreads points evenly over the disc instead of crowding the centre
    distance = city_radius_km(place) * math.sqrt(((seed >> 16) & 0xFFFF) / 0x10000)
    north, east = distance * math.sin(angle), distance * math.cos(angle)
    cos_lat = max(0.01, math.cos(math.radians(place.latitude)))
    return latlng_pb2.LatLng(
        latitude=round(place.latitude + north / _KM_PER_DEGREE, 5),
        longitude=round(place.longitude + east / (_KM_PER_DEGREE * cos_lat), 5),
    )


def place_activities(itinerary: trip_pb2.Itinerary, place: Place) -> trip_pb2.Itinerary:
    """The itinerary with every activity's approximate location set."""
    for day in itinerary.days:
        for activity in day.activities:
            activity.location.CopyFrom(position_of(activity.title, place))
    return itinerary
