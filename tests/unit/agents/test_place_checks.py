"""A model's itinerary is held to the place, the season and the daylight too."""

from datetime import date
from typing import Any

import pytest

from services.agents.schemas import ActivityDraft, DayDraft, ItineraryDraft
from services.planner.place_checks import check_place
from services.planner.planner import Planner
from services.runtime.errors import Internal
from services.travel.places import resolve_place
from tests.unit.agents.support import ScriptedChain, trip

REYKJAVIK_WINTER = date(2027, 1, 15)


def _day(day: date, *activities: tuple[str, str, int]) -> ItineraryDraft:
    return ItineraryDraft(
        travel_style="mid-range",
        days=[
            DayDraft(
                date=day,
                activities=[
                    ActivityDraft(
                        title=title,
                        category="nature",
                        start_time=start,
                        duration_minutes=minutes,
                        cost=0,
                        currency="EUR",
                    )
                    for title, start, minutes in activities
                ],
            )
        ],
    )


def _problems(city: str, day: date, *activities: tuple[str, str, int]) -> list[str]:
    request = trip(destination=city, start_date=day, days=1)
    return check_place(_day(day, *activities), request, resolve_place(city).place)


def test_no_boat_or_beach_far_from_the_sea() -> None:
    problems = _problems("Nairobi", date(2027, 3, 10), ("Boat trip on the waters", "10:00", 120))
    assert len(problems) == 1
    assert "Nairobi has none near" in problems[0]
    assert _problems("Lisbon", date(2027, 7, 10), ("Boat trip on the Tagus", "10:00", 120)) == []


def test_a_boat_on_a_great_river_is_fine() -> None:
    assert _problems("Budapest", date(2027, 6, 14), ("Boat trip on the Danube", "10:00", 90)) == []


def test_no_skiing_out_of_snow_season() -> None:
    skiing = ("Skiing at Nordkette", "10:00", 240)
    problems = _problems("Innsbruck", date(2027, 7, 12), skiing)
    assert len(problems) == 1
    assert "not snow season near Innsbruck" in problems[0]
    assert _problems("Innsbruck", date(2027, 1, 18), skiing) == []
    assert _problems("Nairobi", date(2027, 7, 12), ("Sledging near Nairobi", "10:00", 90))


def test_no_swimming_in_the_cold() -> None:
    problems = _problems("Sydney", date(2027, 7, 10), ("Morning swim at Bondi", "09:00", 90))
    assert problems
    assert "too cold" in problems[0]


def test_daylight_and_sunset_in_reykjavik_in_winter() -> None:
    problems = _problems(
        "Reykjavik",
        REYKJAVIK_WINTER,
        ("Birdwatching near Reykjavik", "09:30", 120),  # sunrise is near 11:00
        ("Sunset at the best viewpoint", "19:30", 60),  # sunset is near 16:20
    )
    assert len(problems) == 2
    assert "needs daylight" in problems[0]
    assert "misses the sunset" in problems[1]
    fine = ("Birdwatching", "11:30", 120), ("Sunset at the best viewpoint", "15:45", 60)
    assert _problems("Reykjavik", REYKJAVIK_WINTER, *fine) == []


async def test_a_model_answer_against_the_place_is_never_returned() -> None:
    offline = (await Planner(ScriptedChain()).draft(trip(destination="Nairobi"))).value.draft

    def answer(task: Any) -> Any:
        data = offline.model_dump(mode="json")
        data["days"][0]["activities"][0]["title"] = "Beach bar evening near Nairobi"
        return data

    with pytest.raises(Internal) as caught:
        await Planner(ScriptedChain(answer)).draft(trip(destination="Nairobi"))
    assert caught.value.reason == "OUTPUT_CHECK_FAILED"
