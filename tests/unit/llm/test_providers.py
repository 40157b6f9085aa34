"""Each provider answers through its real SDK against a fake of its wire protocol."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from services.llm import LLMSettings, ModelChain, create_model_chain
from services.runtime.errors import FailedPrecondition, Internal
from tests.fakes import FakeGemini, FakeOpenAI
from tests.unit.llm.conftest import CLAUDE, GEMINI, GOOD, OFFLINE, OPENAI, Calls, plan_task

ROOT = Path(__file__).resolve().parents[3]


async def test_openai_answers(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI, calls: Calls
) -> None:
    openai_fake.push(FakeOpenAI.answer(GOOD))
    result = await make_chain().run(plan_task())

    assert result.provider == f"openai:{OPENAI}"
    assert result.value.model_dump() == GOOD
    assert result.warnings == []
    assert result.usage.model_calls == 1
    assert (result.usage.input_tokens, result.usage.output_tokens) == (100, 50)
    request = openai_fake.calls[0]
    assert request.headers["authorization"] == "Bearer test-openai-key"
    assert request.body["model"] == OPENAI
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    system, user = request.body["messages"]
    assert system["role"] == "system"
    assert "planner agent" in system["content"]
    assert '"city": "Lisbon"' in user["content"]
    assert '"title": "Plan"' not in user["content"]  # the schema is the response format's
    assert calls.outcomes() == ["success"]


async def test_openai_json_mode_for_servers_without_json_schema(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    openai_fake.push(FakeOpenAI.answer(GOOD))
    result = await make_chain(openai_response_format="json_object").run(plan_task())

    assert result.value.model_dump() == GOOD
    assert openai_fake.calls[0].body["response_format"] == {"type": "json_object"}
    user = openai_fake.calls[0].body["messages"][1]["content"]
    assert "The answer must validate against this JSON Schema" in user
    assert '"title": "Plan"' in user


async def test_gemini_answers(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.answer(GOOD, thoughts_tokens=30))
    result = await make_chain(f"gemini:{GEMINI},offline").run(plan_task())

    assert result.provider == f"gemini:{GEMINI}"
    assert result.value.model_dump() == GOOD
    assert (result.usage.input_tokens, result.usage.output_tokens) == (100, 80)  # thoughts billed
    request = gemini_fake.calls[0]
    assert request.key == GEMINI
    assert request.headers["x-goog-api-key"] == "test-gemini-key"
    assert request.body["generationConfig"]["responseMimeType"] == "application/json"
    assert "planner agent" in request.body["systemInstruction"]["parts"][0]["text"]


async def test_offline_answers_with_zero_usage(
    make_chain: Callable[..., ModelChain], calls: Calls
) -> None:
    result = await make_chain("offline").run(plan_task())

    assert result.provider == "offline"
    assert result.value == OFFLINE
    assert result.usage.model_calls == 0
    assert result.usage.cost_usd == 0
    assert [(r.provider, r.outcome) for r in calls] == [("offline", "success")]


async def test_gemini_fallback_model_after_the_first_fails(
    make_chain: Callable[..., ModelChain], gemini_fake: FakeGemini
) -> None:
    gemini_fake.push(FakeGemini.error(503), key=GEMINI)
    gemini_fake.push(FakeGemini.answer(GOOD), key="gemini-2.5-flash-lite")
    chain = make_chain(
        f"gemini:{GEMINI},offline",
        GEMINI_FALLBACK_MODEL="gemini-2.5-flash-lite",
        GEMINI_RETRY_ATTEMPTS=1,
    )
    result = await chain.run(plan_task())

    assert result.provider == "gemini:gemini-2.5-flash-lite"
    assert gemini_fake.count(GEMINI) == 1  # GEMINI_RETRY_ATTEMPTS=1: no retry
    assert list(chain.status()) == [f"gemini:{GEMINI}", "gemini:gemini-2.5-flash-lite", "offline"]


@pytest.mark.parametrize(
    ("keys", "chain"),
    [
        ({"OPENAI_API_KEY": "k"}, [f"openai:{OPENAI}", "offline"]),
        ({"GEMINI_API_KEY": "k"}, [f"gemini:{GEMINI}", "offline"]),
        ({"ANTHROPIC_API_KEY": "k"}, [f"anthropic:{CLAUDE}", "offline"]),
        (
            {"ANTHROPIC_API_KEY": "k", "GEMINI_API_KEY": "k", "OPENAI_API_KEY": "k"},
            [f"openai:{OPENAI}", f"gemini:{GEMINI}", f"anthropic:{CLAUDE}", "offline"],
        ),
        ({}, ["offline"]),
    ],
)
def test_without_tripmesh_models_the_keys_set_choose_the_chain(
    keys: dict[str, Any], chain: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="services.llm"):
        built = create_model_chain(LLMSettings(**keys))

    assert list(built.status()) == chain
    (line,) = [r.getMessage() for r in caplog.records if "provider chain" in r.getMessage()]
    assert line.startswith(f"model provider chain: {' -> '.join(chain)}, following the keys set")


def test_a_provider_named_without_its_key_refuses_to_build() -> None:
    settings = LLMSettings(models=f"gemini,anthropic:{CLAUDE},offline", GEMINI_API_KEY="k")
    with pytest.raises(FailedPrecondition) as raised:
        create_model_chain(settings)
    assert str(raised.value) == (
        f"TRIPMESH_MODELS names anthropic:{CLAUDE} but ANTHROPIC_API_KEY is not set"
    )


def test_offline_chain_imports_no_sdk() -> None:
    script = (
        "import sys\n"
        "from services.llm import LLMSettings, create_model_chain\n"
        "create_model_chain(LLMSettings(models='offline'))\n"
        "print(sorted(m for m in ('openai', 'google.genai', 'anthropic') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env["PYTHONPATH"] = f"{ROOT / 'protos'}{os.pathsep}{ROOT}"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.replace("'", '"')) == []


async def test_a_task_without_a_prompt_file_is_an_internal_error(
    make_chain: Callable[..., ModelChain], openai_fake: FakeOpenAI
) -> None:
    task = replace(plan_task(), name="no_such_prompt")
    assert (await make_chain("offline").run(task)).provider == "offline"  # needs no prompt
    with pytest.raises(Internal) as raised:
        await make_chain().run(task)
    assert raised.value.reason == "LLM_PROMPT_MISSING"
    assert openai_fake.count() == 0
