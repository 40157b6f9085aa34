"""The six tools the agents offer: valid schemas, results valid against their output schema."""

import pytest

from services.budget.tools import budget_tools
from services.guide.tools import guide_tools
from services.planner.tools import planner_tools, rough_travel
from services.runtime.errors import InvalidArgument
from services.tools.definition import JsonObject
from services.tools.toolbox import ToolBox

ALL = ToolBox([*planner_tools(), *budget_tools(), *guide_tools()])


def test_the_six_tools() -> None:
    assert sorted(tool.name for tool in ALL.tools) == [
        "cost.daily_estimate",
        "currency.convert",
        "geo.distance",
        "geo.lookup_city",
        "guide.phrases",
        "guide.season",
    ]
    for tool in ALL.tools:
        assert tool.description
        assert tool.tags
        assert tool.input_schema["type"] == "object"


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("geo.lookup_city", {"name": "Lisbon, Portugal"}),
        ("geo.distance", {"from": "Lisbon", "to": "Porto"}),
        ("currency.convert", {"amount": 120, "from": "USD", "to": "EUR"}),
        ("currency.convert", {"amount": 10, "from": "GBP", "to": "JPY", "date": "2020-03-02"}),
        ("cost.daily_estimate", {"country": "Portugal", "style": "budget", "currency": "EUR"}),
        ("guide.season", {"place": "Sydney", "month": 1}),
        ("guide.phrases", {"language": "pt-PT", "limit": 3}),
    ],
)
async def test_results_are_valid_against_their_output_schema(
    tool: str, arguments: JsonObject
) -> None:
    result = await ALL.invoke(f"tools/{tool}", arguments)  # raises Internal if not
    assert result


async def test_results_carry_the_facts() -> None:
    city = await ALL.invoke("tools/geo.lookup_city", {"name": "Lisbon, Portugal"})
    assert (city["country_code"], city["time_zone"]) == ("PT", "Europe/Lisbon")
    converted = await ALL.invoke(
        "tools/currency.convert", {"amount": 100, "from": "EUR", "to": "EUR"}
    )
    assert converted["amount"] == 100
    assert converted["rate"] == 1
    dated = await ALL.invoke(
        "tools/currency.convert", {"amount": 10, "from": "USD", "to": "EUR", "date": "2020-03-02"}
    )
    assert dated["rate_date"] == "2020-03-02"
    season = await ALL.invoke("tools/guide.season", {"place": "Sydney", "month": 1})
    assert (season["season"], season["hemisphere"]) == ("summer", "south")
    phrases = await ALL.invoke("tools/guide.phrases", {"language": "xx"})
    assert phrases["fallback"] is True
    assert phrases["language"] == "en"
    far = await ALL.invoke("tools/geo.distance", {"from": "Lisbon", "to": "Tokyo"})
    assert far["mode"] == "flight"
    assert 10_000 < far["distance_km"] < 12_000


@pytest.mark.parametrize(
    ("tool", "arguments", "path", "reason"),
    [
        ("currency.convert", {"amount": 1, "from": "USD"}, "$.to", "INVALID_TOOL_ARGUMENTS"),
        (
            "currency.convert",
            {"amount": 1, "from": "XXX", "to": "EUR"},
            "$.from",
            "UNSUPPORTED_CURRENCY",
        ),
        ("cost.daily_estimate", {"country": "Atlantis"}, "$.country", "UNKNOWN_COUNTRY"),
        ("geo.distance", {"from": "Lisbon", "to": "Qwzxvb"}, "$.to", "UNKNOWN_DESTINATION"),
        ("guide.season", {"place": "Lisbon", "month": 13}, "$.month", "INVALID_TOOL_ARGUMENTS"),
    ],
)
async def test_bad_arguments_name_their_path(
    tool: str, arguments: JsonObject, path: str, reason: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        await ALL.invoke(f"tools/{tool}", arguments)
    assert raised.value.metadata["path"] == path
    assert raised.value.reason == reason


def test_rough_travel_modes() -> None:
    assert rough_travel(1)[0] == "walk"
    assert rough_travel(300) == ("ground", pytest.approx(300 * 1.25 / 90))
    assert rough_travel(2000)[0] == "flight"
