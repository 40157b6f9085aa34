"""Pure tools' results are remembered; failures and other tools are not."""

import pytest

from services.agents.remembered_tools import RememberedTools
from services.runtime import errors
from services.tools.definition import JsonObject


class CountingTools:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail = False

    async def call(self, tool: str, arguments: JsonObject) -> JsonObject:
        self.calls.append(tool)
        if self.fail:
            raise errors.Unavailable("router down", reason="DOWN")
        return {"season": "summer", "month": arguments.get("month")}


async def test_a_pure_tool_is_asked_once_per_distinct_arguments() -> None:
    tools = CountingTools()
    remembered = RememberedTools(tools)
    first = await remembered.call("guide.season", {"place": "Lisbon", "month": 6})
    first["season"] = "changed by a caller"
    again = await remembered.call("guide.season", {"month": 6, "place": "Lisbon"})
    other = await remembered.call("guide.season", {"place": "Lisbon", "month": 7})
    assert tools.calls == ["guide.season", "guide.season"]
    assert again == {"season": "summer", "month": 6}
    assert other["month"] == 7


async def test_failures_and_other_tools_are_not_remembered() -> None:
    tools = CountingTools()
    remembered = RememberedTools(tools)
    tools.fail = True
    with pytest.raises(errors.Unavailable):
        await remembered.call("guide.season", {"month": 6})
    tools.fail = False
    await remembered.call("guide.season", {"month": 6})
    await remembered.call("geo.distance", {"a": 1})
    await remembered.call("geo.distance", {"a": 1})
    assert tools.calls == ["guide.season", "guide.season", "geo.distance", "geo.distance"]


async def test_a_ttl_of_zero_remembers_nothing() -> None:
    tools = CountingTools()
    remembered = RememberedTools(tools, ttl=0)
    for _ in range(2):
        await remembered.call("guide.season", {"month": 6})
    assert tools.calls == ["guide.season", "guide.season"]
