"""Price levels, seasons, phrases, customs and the activity catalogue."""

from datetime import date

import pytest

from services.travel.activity_templates import GENERAL, TIER_FACTOR, canonical_interest, catalogue
from services.travel.costs import STYLES, daily_costs, price_level
from services.travel.customs import drives_on_left, emergency_number, tipping
from services.travel.phrases import english, phrase_language, phrases
from services.travel.seasons import SEASONS, season, season_info, utc_offset


def test_styles_cost_more_in_order() -> None:
    budget, mid, comfort = (daily_costs("PT", "EU", style) for style in STYLES)
    for field in ("lodging_per_room", "food_per_person", "transport_per_person", "activity_unit"):
        assert getattr(budget, field) < getattr(mid, field) < getattr(comfort, field)


def test_price_levels_order_countries_and_fall_back_to_continent() -> None:
    assert (
        daily_costs("CH", "EU", "mid-range").lodging_per_room
        > daily_costs("PT", "EU", "mid-range").lodging_per_room
    )
    assert price_level("TD", "AF") == price_level("XX", "AF")
    assert price_level("TD", "AF")[1] == "continent AF"
    with pytest.raises(ValueError, match="style"):
        daily_costs("PT", "EU", "luxury")


@pytest.mark.parametrize(
    ("latitude", "month", "expected"),
    [
        (38.7, 5, "spring"),  # Lisbon in May
        (-33.9, 7, "winter"),  # Sydney in July
        (-33.9, 1, "summer"),
        (13.7, 8, "wet season"),  # Bangkok in August
        (13.7, 1, "dry season"),
        (-6.2, 1, "wet season"),  # Jakarta in January
        (64.1, 12, "winter"),  # Reykjavik
    ],
)
def test_season_by_hemisphere_and_month(latitude: float, month: int, expected: str) -> None:
    assert season(latitude, month) == expected
    assert season_info(latitude, month).season in SEASONS


def test_utc_offset_follows_daylight_saving() -> None:
    assert utc_offset("Europe/Lisbon", date(2027, 7, 1)) == "UTC+01:00"
    assert utc_offset("Europe/Lisbon", date(2027, 1, 1)) == "UTC+00:00"
    assert utc_offset("Asia/Kolkata", date(2027, 1, 1)) == "UTC+05:30"
    assert utc_offset("Nowhere/Else", date(2027, 1, 1)) == ""


def test_phrases_in_the_local_language_with_english_fallback() -> None:
    portuguese = phrases(("pt-PT", "mwl"))
    assert [p.english for p in portuguese] == list(english())
    assert portuguese[0].local == "Olá"
    assert portuguese[0].language == "pt-PT"
    assert "konnichiwa" in phrases(("ja",))[0].local
    assert phrase_language(("en-IN", "hi"), "IN") == "hi"
    fallback = phrases(("xx",))
    assert fallback[0].local == "Hello"
    assert fallback[0].language == "en"


def test_customs() -> None:
    assert drives_on_left("JP")
    assert not drives_on_left("PT")
    assert emergency_number("PT") == "112"
    assert "not" in tipping("JP", "AS")
    assert tipping("ZZ", "EU")  # continental default


def test_catalogue_is_well_formed() -> None:
    templates = [t for group in catalogue().values() for t in group]
    assert len({t.key for t in templates}) == len(templates)
    assert len({t.title for t in templates}) == len(templates)
    for template in templates:
        assert "{city}" in template.title
        assert template.tier in TIER_FACTOR
        assert template.parts
        assert template.parts <= {"m", "a", "e"}
        assert 30 <= template.minutes <= 300
    assert GENERAL in catalogue()


def test_interest_synonyms() -> None:
    assert canonical_interest("Museums") == "art"
    assert canonical_interest("beaches") == "beach"
    assert canonical_interest("Live music") == "nightlife"
    assert canonical_interest("knitting") is None
    # narrower interests keep their meaning instead of becoming generic nature
    for word in ("wildlife", "Safaris", "national parks", "zoo", "birdwatching"):
        assert canonical_interest(word) == "wildlife", word
    assert canonical_interest("trekking") == "hiking"
    assert canonical_interest("nature") == "nature"
