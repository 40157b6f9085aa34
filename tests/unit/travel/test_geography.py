"""The shipped geography: the sea and large lakes near cities, from GSHHG's mask."""

import pytest

from services.travel.build_geography import _mask, water_flags
from services.travel.geography import FORMAT, geography_path, surroundings
from services.travel.place_index import place_index, read_index
from services.travel.places import resolve_place
from services.travel.seasons import swimming_weather


def test_shipped_flags_cover_every_city_and_match_the_builder_on_a_sample() -> None:
    # The whole build takes seconds: every 97th city is checked against the mask.
    _, sections = read_index(geography_path(), format_version=FORMAT)
    cities = place_index().cities
    rebuild = "python -m services.travel.build_geography"
    assert list(sections["city.id"]) == list(cities.ids), rebuild
    mask = _mask()
    for row in range(0, len(cities), 97):
        city = cities.at(row)
        expected = water_flags(mask, city.latitude, city.longitude)
        assert sections["city.water"][row] == expected, city


@pytest.mark.parametrize(
    ("city", "sea", "lake"),
    [
        ("Lisbon", True, False),
        ("Reykjavik", True, False),
        ("Sydney", True, False),
        ("Nairobi", False, False),
        ("Madrid", False, False),
        ("Denver", False, False),
        ("Zermatt", False, False),
        ("Geneva", False, True),
        ("Chicago", False, True),
    ],
)
def test_water_near_known_cities(city: str, sea: bool, lake: bool) -> None:
    around = surroundings(resolve_place(city).place.geoname_id)
    assert (around.sea, around.lake) == (sea, lake)


def test_swimming_weather_follows_hemisphere_and_latitude() -> None:
    sydney, oslo, bangkok = -33.9, 59.9, 13.7
    assert swimming_weather(sydney, 1)
    assert not swimming_weather(sydney, 7)
    assert swimming_weather(oslo, 7) is False  # cold band: no beach days even in July
    assert swimming_weather(48.8, 7)
    assert not swimming_weather(48.8, 1)
    assert all(swimming_weather(bangkok, month) for month in range(1, 13))
