"""A model that answers the agents' tasks from the request it is sent, for whole trips
through the fakes: every answer follows the task's rules, and every text it writes starts
with "Model", so that a test can tell the model's words from the offline engine's.

    fake.responder = openai_responder  # (or gemini_responder, anthropic_responder)

The task is read from the prompt's first line, its facts from the prompt's first JSON block.
"""

import json
import re
from typing import Any

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.scripted import Call, Reply

INPUT_TOKENS, OUTPUT_TOKENS = 1000, 200  # per answer
_FIRST_JSON = re.compile(r"```json\n(.*?)\n```", re.DOTALL)
TIP_CATEGORIES = ("etiquette", "safety", "season", "money")


def answer_for(prompt: str) -> dict[str, Any]:
    """The answer to one agent task, from its rendered user prompt."""
    match = _FIRST_JSON.search(prompt)
    facts: dict[str, Any] = json.loads(match.group(1)) if match else {}
    if prompt.startswith("Draft an itinerary"):
        return _draft(facts)
    if prompt.startswith("Revise this itinerary"):
        return _revision(facts)
    if prompt.startswith("Suggest savings"):
        return {"savings": ["Model saving: picnic in the park instead of a restaurant lunch."]}
    if prompt.startswith("Give local advice"):
        tips = [{"category": c, "text": f"Model tip on {c}."} for c in TIP_CATEGORIES]
        return {"tips": tips}
    raise LookupError(f"no task in prompt {prompt[:60]!r}")


def _draft(facts: dict[str, Any]) -> dict[str, Any]:
    per_day = facts["activities_per_day"]["min"]
    starts = facts["suggested_start_times"]
    category = (facts.get("interests") or ["culture"])[0]
    days = []
    for number, date in enumerate(facts["dates"], start=1):
        activities = [
            {
                "title": f"Model pick {number}.{index + 1}",
                "category": category,
                "start_time": starts[index % len(starts)],
                "duration_minutes": 60,
                "cost": 15,
                "currency": facts["activity_currency"],
                "description": None,  # structured output sends every property
            }
            for index in range(per_day)
        ]
        days.append({"date": date, "summary": "Model day", "activities": activities})
    return {"travel_style": "comfort", "days": days}


def _revision(facts: dict[str, Any]) -> dict[str, Any]:
    """The same days, every activity free and budget prices: as cheap as a trip gets (so a
    second revision can only give the same)."""
    days = [
        {**day, "activities": [{**a, "title": _revised(a["title"]), "cost": 0} for a in acts]}
        for day in facts["itinerary"]["days"]
        for acts in [day["activities"]]
    ]
    return {"travel_style": "budget", "days": days}


def _revised(title: str) -> str:
    return title if title.startswith("Model revised") else f"Model revised {title}"


def openai_responder(call: Call) -> Reply:
    prompt = next(m["content"] for m in call.body["messages"] if m["role"] == "user")
    return FakeOpenAI.answer(
        answer_for(prompt), prompt_tokens=INPUT_TOKENS, completion_tokens=OUTPUT_TOKENS
    )


def gemini_responder(call: Call) -> Reply:
    prompt = call.body["contents"][0]["parts"][0]["text"]
    return FakeGemini.answer(
        answer_for(prompt), prompt_tokens=INPUT_TOKENS, output_tokens=OUTPUT_TOKENS
    )


def anthropic_responder(call: Call) -> Reply:
    prompt = call.body["messages"][0]["content"]
    return FakeAnthropic.answer(
        answer_for(prompt), input_tokens=INPUT_TOKENS, output_tokens=OUTPUT_TOKENS
    )
