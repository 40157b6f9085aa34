"""The guide's tips follow the region instead of European habits."""

import pytest

from services.guide.regional_tips import food_tip, transport_tip
from services.travel.places import resolve_place


@pytest.mark.parametrize(
    ("city", "words"),
    [
        ("Lisbon", "menus of the day"),
        ("Bangkok", "Street stalls"),
        ("Mexico City", "comida corrida"),
        ("Denver", "sales tax and tip"),
        ("Nairobi", "cooked hot"),
    ],
)
def test_food_tips_by_region(city: str, words: str) -> None:
    assert words in food_tip(resolve_place(city).place)


def test_transport_passes_only_where_big_cities_sell_them() -> None:
    assert "multi-day pass" in transport_tip(resolve_place("Berlin").place)
    nairobi = transport_tip(resolve_place("Nairobi").place)
    assert "multi-day pass" not in nairobi
    assert "ride-hailing" in nairobi
