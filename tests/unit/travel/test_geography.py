"""The shipped geography: the sea, large lakes and large rivers near cities (GSHHG's mask
and river lines), and the hills and mountains around them (pvlib's altitude map)."""

import pytest

from services.travel.build_geography import _cached, _mask, water_flags
from services.travel.geography import FORMAT, LAKE, SEA, geography_path, surroundings
from services.travel.place_index import place_index, read_index
from services.travel.places import resolve_place
from services.travel.seasons import snow_season, swimming_weather

_REBUILD = "python -m services.travel.build_geography"


def test_shipped_file_covers_every_city_and_matches_the_mask_on_a_sample() -> None:
    # The whole build takes a minute: every 97th city is checked against the mask, which
    # the dev extra installs (the river lines and the altitude map are fetched by the build).
    header, sections = read_index(geography_path(), format_version=FORMAT)
    cities = place_index().cities
    assert list(sections["city.id"]) == list(cities.ids), _REBUILD
    for name in ("city.water", "city.terrain", "city.elevation", "city.highest"):
        assert len(sections[name]) == len(cities), (name, _REBUILD)
    assert "LGPL" in header["licence"]
    assert "BSD-3-Clause" in header["licence"]
    mask = _mask()
    for row in range(0, len(cities), 97):
        city = cities.at(row)
        expected = water_flags(mask, city.latitude, city.longitude)
        assert sections["city.water"][row] & (SEA | LAKE) == expected, city


@pytest.mark.skipif(
    _cached("gshhg-binned_river_i.nc") is None or _cached("pvlib-0.16.1-Altitude.h5") is None,
    reason="the build's river lines and altitude map are not in the build cache",
)
def test_shipped_rivers_and_terrain_match_the_builder_on_a_sample() -> None:
    from services.travel.build_geography import (
        RIVER,
        _altitudes,
        _large_rivers,
        river_near,
        terrain,
    )

    _, sections = read_index(geography_path(), format_version=FORMAT)
    rivers, altitudes = _large_rivers(), _altitudes()
    cities = place_index().cities
    for row in range(0, len(cities), 499):
        city = cities.at(row)
        on_river = river_near(rivers, city.latitude, city.longitude)
        assert bool(sections["city.water"][row] & RIVER) == on_river, (city, _REBUILD)
        ground = terrain(altitudes, city.latitude, city.longitude)
        assert sections["city.terrain"][row] == ground.flags, (city, _REBUILD)
        assert sections["city.highest"][row] == ground.highest, (city, _REBUILD)


@pytest.mark.parametrize(
    ("city", "sea", "lake", "river"),
    [
        ("Lisbon", True, False, False),
        ("Reykjavik", True, False, False),
        ("Sydney", True, False, False),
        ("Nairobi", False, False, False),
        ("Madrid", False, False, False),
        ("Denver", False, False, False),
        ("Zermatt", False, False, False),
        ("Geneva", False, True, True),
        ("Chicago", False, True, False),
        # great rivers: the Danube, the Rhine, the Nile, the Chao Phraya
        ("Budapest", False, False, True),
        ("Cologne, Germany", False, False, True),
        ("Cairo", False, False, True),
        ("Khartoum", False, False, True),
        ("Bangkok", False, False, True),
    ],
)
def test_water_near_known_cities(city: str, sea: bool, lake: bool, river: bool) -> None:
    around = surroundings(resolve_place(city).place.geoname_id)
    assert (around.sea, around.lake, around.river) == (sea, lake, river)
    assert around.water == (sea or lake or river)
    assert around.shore == (sea or lake)


@pytest.mark.parametrize(
    ("city", "hills", "mountains"),
    [
        ("Innsbruck", True, True),
        ("Zermatt", True, True),
        ("Davos", True, True),
        ("Denver", True, True),
        ("Quito", True, True),
        ("Granada", True, True),
        ("Budapest", True, False),
        ("Kyoto", True, False),
        ("Amsterdam", False, False),
        ("Bangkok", False, False),
        ("Buenos Aires", False, False),
        ("Madrid", False, False),
        ("Johannesburg", False, False),
    ],
)
def test_terrain_around_known_cities(city: str, hills: bool, mountains: bool) -> None:
    around = surroundings(resolve_place(city).place.geoname_id)
    assert (around.hills, around.mountains) == (hills, mountains)


def test_unknown_city_has_nothing_around() -> None:
    around = surroundings(-1)
    assert not around.water
    assert not around.hills
    assert not around.mountains


def test_swimming_weather_follows_hemisphere_and_latitude() -> None:
    sydney, oslo, bangkok = -33.9, 59.9, 13.7
    assert swimming_weather(sydney, 1)
    assert not swimming_weather(sydney, 7)
    assert swimming_weather(oslo, 7) is False  # cold band: no beach days even in July
    assert swimming_weather(48.8, 7)
    assert not swimming_weather(48.8, 1)
    assert all(swimming_weather(bangkok, month) for month in range(1, 13))


def test_snow_season_follows_hemisphere_latitude_and_height() -> None:
    innsbruck, queenstown, nairobi, marrakesh = 47.3, -45.0, -1.3, 31.6
    assert snow_season(innsbruck, 1, 2518)
    assert snow_season(innsbruck, 3, 2518)  # spring: high enough still
    assert not snow_season(innsbruck, 7, 2518)
    assert not snow_season(innsbruck, 3, 1200)
    assert snow_season(queenstown, 7, 1594)  # southern winter
    assert not snow_season(queenstown, 1, 1594)
    assert not any(snow_season(nairobi, m, 5000) for m in range(1, 13))  # the tropics
    assert snow_season(marrakesh, 1, 3200)  # the High Atlas
    assert not snow_season(marrakesh, 1, 1000)  # subtropical hills
    assert not snow_season(48.1, 1, 600)  # temperate lowland (Munich)
    assert snow_season(60.2, 1, 50)  # the cold band: snow whatever the height
