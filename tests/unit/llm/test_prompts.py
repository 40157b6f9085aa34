"""The shipped prompt files: one per agent task, each with a system and a user part."""

import pytest

from services.llm.asking import first_request, reask
from services.llm.prompts import PromptMissing, load_prompt
from tests.unit.llm.conftest import Plan

TASKS = [
    "draft_itinerary",
    "revise_itinerary",
    "estimate_budget",
    "get_advice",
    "read_trip_request",
]


@pytest.mark.parametrize("task", TASKS)
def test_each_task_prompt_renders_the_variables_and_the_schema(task: str) -> None:
    request, version = first_request(task, {"destination": "Lisboa €"}, Plan, None)

    assert version >= 1
    assert request.system
    assert "$" not in request.system
    (message,) = request.messages
    assert '"destination": "Lisboa €"' in message.text
    assert "$variables" not in message.text
    assert '"title": "Plan"' not in message.text  # structured output carries the schema
    assert '"title": "Plan"' in request.schema_note  # for JSON mode, in words
    assert "$schema" not in request.schema_note


def test_a_re_ask_carries_the_answer_and_the_errors() -> None:
    request, _ = first_request("get_advice", {"city": "Porto"}, Plan, None)
    again = reask(request, "{oops", ["stops: Field required"])

    assert [m.role for m in again.messages] == ["user", "assistant", "user"]
    assert again.messages[1].text == "{oops"
    assert "- stops: Field required" in again.messages[2].text


def test_an_unknown_prompt_is_reported() -> None:
    with pytest.raises(PromptMissing):
        load_prompt("no_such_task")
