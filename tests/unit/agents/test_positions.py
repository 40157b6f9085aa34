"""Activities get stable approximate positions: near the centre, or at a half-day trip's town."""

import math

from services.planner.activities import half_day_trip_towns
from services.planner.positions import city_radius_km, position_of
from services.travel.places import resolve_place


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    north = (lat2 - lat1) * 111.32
    east = (lon2 - lon1) * 111.32 * math.cos(math.radians(lat1))
    return math.hypot(north, east)


def test_a_city_activity_is_near_the_centre_and_always_at_the_same_place() -> None:
    lisbon = resolve_place("Lisbon").place
    first = position_of("Tram 28 through Alfama", lisbon)
    assert first == position_of("Tram 28 through Alfama", lisbon)
    assert first != position_of("Dinner in Bairro Alto", lisbon)
    distance = km_between(lisbon.latitude, lisbon.longitude, first.latitude, first.longitude)
    assert distance <= city_radius_km(lisbon) + 0.01


def test_a_half_day_trip_is_at_its_town() -> None:
    lisbon = resolve_place("Lisbon").place
    town, (latitude, longitude) = next(iter(half_day_trip_towns(lisbon).items()))
    found = position_of(f"Half-day trip to {town}", lisbon)
    assert (found.latitude, found.longitude) == (latitude, longitude)
    assert km_between(lisbon.latitude, lisbon.longitude, latitude, longitude) >= 15
