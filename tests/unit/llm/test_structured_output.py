"""Native structured output: each provider gets a schema its service accepts, and the
fakes refuse, as the services do, the schemas they would not accept."""

from collections.abc import Callable
from typing import Any

import openai
import pytest
from google import genai
from google.genai import errors, types
from pydantic import BaseModel

from services.agents.schemas import AdviceDraft, ItineraryDraft, SavingsDraft
from services.llm import ModelChain
from services.llm.answer_schema import (
    ANTHROPIC_STRICT,
    GEMINI_JSON,
    OPENAI_STRICT,
    constrained_schema,
)
from tests.fakes import FakeGemini, FakeOpenAI
from tests.fakes.strict_rules import ANTHROPIC, OPENAI, strict_violation
from tests.unit.llm.conftest import GEMINI, GOOD, plan_task

ANSWERS: list[type[BaseModel]] = [ItineraryDraft, SavingsDraft, AdviceDraft]
CITY: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}


@pytest.mark.parametrize("model", ANSWERS, ids=lambda m: m.__name__)
def test_answer_schemas_meet_strict_rules(model: type[BaseModel]) -> None:
    raw = model.model_json_schema()
    assert strict_violation(raw, OPENAI) is not None  # pydantic's own schema would be refused
    assert strict_violation(constrained_schema(raw, OPENAI_STRICT), OPENAI) is None
    assert strict_violation(constrained_schema(raw, ANTHROPIC_STRICT), ANTHROPIC) is None


def test_limits_strict_mode_cannot_express_move_into_descriptions() -> None:
    schema = constrained_schema(ItineraryDraft.model_json_schema(), OPENAI_STRICT)
    activity = schema["$defs"]["ActivityDraft"]
    assert "maxLength" not in activity["properties"]["title"]
    assert "at most 160 characters" in activity["properties"]["title"]["description"]
    assert activity["properties"]["description"]["type"] == ["string", "null"]  # optional
    assert activity["required"] == list(activity["properties"])
    # A rule of the checks that no keyword expresses, stated where the model reads it.
    assert "06:00 or later" in activity["properties"]["start_time"]["description"]
    claude = constrained_schema(ItineraryDraft.model_json_schema(), ANTHROPIC_STRICT)
    minutes = claude["$defs"]["ActivityDraft"]["properties"]["duration_minutes"]
    assert "maximum" not in minutes
    assert "at most 1440" in minutes["description"]


async def test_openai_strict_mode_refuses_a_schema_breaking_its_rules(
    openai_fake: FakeOpenAI,
) -> None:
    openai_fake.push(FakeOpenAI.answer(GOOD))
    client = openai.AsyncOpenAI(api_key="k", base_url=openai_fake.base_url, max_retries=0)
    schema = {"name": "Plan", "schema": ItineraryDraft.model_json_schema(), "strict": True}
    with pytest.raises(openai.BadRequestError) as raised:
        await client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": "plan"}],
            response_format={"type": "json_schema", "json_schema": schema},
        )
    await client.close()
    assert raised.value.status_code == 400
    assert "additionalProperties" in raised.value.message
    assert len(openai_fake.calls) == 1  # and the scripted answer was not given


async def test_the_fake_gives_no_strict_answer_that_breaks_the_schema(
    openai_fake: FakeOpenAI,
) -> None:
    """Strict mode guarantees the schema: a test cannot script an answer it never gives."""
    openai_fake.push(FakeOpenAI.answer({"city": 3}), FakeOpenAI.answer({"city": 3}))
    spec = {"name": "City", "schema": CITY, "strict": True}
    client = openai.AsyncOpenAI(api_key="k", base_url=openai_fake.base_url, max_retries=0)
    try:
        with pytest.raises(openai.InternalServerError) as raised:
            await client.chat.completions.create(
                model="gpt-4.1-mini",
                messages=[{"role": "user", "content": "plan"}],
                response_format={"type": "json_schema", "json_schema": spec},
            )
        assert "breaks the schema" in raised.value.message
        # JSON mode promises JSON, not the schema: the same answer is given.
        answer = await client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": "plan"}],
            response_format={"type": "json_object"},
        )
    finally:
        await client.close()
    assert answer.choices[0].message.content == '{"city": 3}'


async def test_the_fake_gives_no_strict_answer_that_is_not_json(openai_fake: FakeOpenAI) -> None:
    """Nor text that is not JSON, unless it was cut short (finish_reason "length"), as a real
    answer can be, or JSON mode was asked for, which compatible servers may not keep."""
    text = "Sorry, no JSON today."
    openai_fake.push(
        FakeOpenAI.answer(text),
        FakeOpenAI.answer(text, finish_reason="length"),
        FakeOpenAI.answer(text),
    )
    spec = {"name": "City", "schema": CITY, "strict": True}
    client = openai.AsyncOpenAI(api_key="k", base_url=openai_fake.base_url, max_retries=0)
    messages: list[Any] = [{"role": "user", "content": "plan"}]
    strict: Any = {"type": "json_schema", "json_schema": spec}
    try:
        with pytest.raises(openai.InternalServerError) as raised:
            await client.chat.completions.create(
                model="gpt-4.1-mini", messages=messages, response_format=strict
            )
        assert "is not JSON" in raised.value.message
        cut = await client.chat.completions.create(
            model="gpt-4.1-mini", messages=messages, response_format=strict
        )
        json_mode = await client.chat.completions.create(
            model="gpt-4.1-mini", messages=messages, response_format={"type": "json_object"}
        )
    finally:
        await client.close()
    assert (cut.choices[0].finish_reason, cut.choices[0].message.content) == ("length", text)
    assert json_mode.choices[0].message.content == text


async def test_openai_gets_a_strict_schema_and_answers_through_it(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.push(FakeOpenAI.answer(GOOD))
    result = await make_chain().run(plan_task())

    assert result.value.model_dump() == GOOD
    spec = openai_fake.calls[0].body["response_format"]["json_schema"]
    assert (spec["name"], spec["strict"]) == ("Plan", True)
    assert strict_violation(spec["schema"], OPENAI) is None


async def test_gemini_refuses_a_schema_without_the_json_mime_type(
    gemini_fake: FakeGemini,
) -> None:
    gemini_fake.push(FakeGemini.answer(GOOD))
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=gemini_fake.base_url)
    )
    config = types.GenerateContentConfig(response_json_schema={"type": "object"})
    with pytest.raises(errors.ClientError) as raised:
        await client.aio.models.generate_content(model=GEMINI, contents="plan", config=config)
    await client.aio.aclose()
    assert raised.value.code == 400
    assert "response_mime_type" in str(raised.value.message)


async def test_gemini_gets_the_schema_with_the_json_mime_type(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.answer(GOOD))
    result = await make_chain(f"gemini:{GEMINI},offline").run(plan_task())

    assert result.provider == f"gemini:{GEMINI}"
    config: dict[str, Any] = gemini_fake.calls[0].body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == constrained_schema(
        plan_task().schema.model_json_schema(), GEMINI_JSON
    )


JSON = "application/json"
ENUM: dict[str, Any] = {"response_mime_type": "text/x.enum"}
ENUM["response_schema"] = {"type": "STRING", "enum": ["EU", "AS"]}


@pytest.mark.parametrize(
    ("config", "reply", "mismatch"),
    [
        (
            {"response_mime_type": JSON, "response_json_schema": CITY},
            FakeGemini.answer({"city": 3}),
            "3 is not of type",
        ),
        (
            {"response_mime_type": JSON, "response_json_schema": CITY},
            FakeGemini.answer("Sorry, no JSON."),
            "is not JSON",
        ),
        (  # the OpenAPI-style schema: objects hold only the properties it declares
            {
                "response_mime_type": JSON,
                "response_schema": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
            },
            FakeGemini.answer({"city": "Lisbon", "country": "PT"}),
            "'country' was unexpected",
        ),
        (ENUM, FakeGemini.answer("OC"), "'OC' is not one of"),
    ],
    ids=["json_schema", "not_json", "openapi_schema", "enum"],
)
async def test_the_fake_gives_no_gemini_answer_that_breaks_the_response_schema(
    gemini_fake: FakeGemini, config: dict[str, Any], reply: Any, mismatch: str
) -> None:
    """Gemini's constrained decoding keeps to the response schema: a scripted answer that
    does not is a 500 naming the mismatch, so that no test relies on one."""
    gemini_fake.push(reply)
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=gemini_fake.base_url)
    )
    try:
        with pytest.raises(errors.ServerError) as raised:
            await client.aio.models.generate_content(
                model=GEMINI, contents="plan", config=types.GenerateContentConfig(**config)
            )
    finally:
        await client.aio.aclose()
    assert raised.value.code == 500
    assert mismatch in str(raised.value.message)
    assert gemini_fake.count() == 1


async def test_the_fake_gives_gemini_answers_that_keep_to_the_schema_or_were_cut_short(
    gemini_fake: FakeGemini,
) -> None:
    openapi = {
        "type": "OBJECT",
        "properties": {"city": {"type": "STRING"}, "note": {"type": "STRING", "nullable": True}},
        "required": ["city"],
    }
    asked: list[tuple[dict[str, Any], Any]] = [
        (
            {"response_mime_type": JSON, "response_json_schema": CITY},
            FakeGemini.answer('{"city": "Lis', finish_reason="MAX_TOKENS"),
        ),
        (
            {"response_mime_type": JSON, "response_schema": openapi},
            FakeGemini.answer({"city": "Lisbon", "note": None}),
        ),
        (ENUM, FakeGemini.answer("EU")),
        ({}, FakeGemini.answer("Plain text, no schema asked for.")),
    ]
    gemini_fake.push(*(reply for _, reply in asked))
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=gemini_fake.base_url)
    )
    try:
        texts = [
            (
                await client.aio.models.generate_content(
                    model=GEMINI, contents="plan", config=types.GenerateContentConfig(**config)
                )
            ).text
            for config, _ in asked
        ]
    finally:
        await client.aio.aclose()
    assert texts == [
        '{"city": "Lis',
        '{"city": "Lisbon", "note": null}',
        "EU",
        "Plain text, no schema asked for.",
    ]
