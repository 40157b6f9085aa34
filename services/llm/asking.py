"""The conversation with a model: the first request from a prompt file, and a re-ask."""

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import pydantic

from services.llm.prompts import load_prompt, to_json
from services.llm.providers.base import Message, ModelRequest


@functools.cache
def json_schema_of(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    return schema.model_json_schema()


def first_request(
    task: str,
    variables: Mapping[str, Any],
    schema: type[pydantic.BaseModel],
    max_output_tokens: int | None,
) -> tuple[ModelRequest, int]:
    """The request of a task and the version of the prompt it was rendered from."""
    template = load_prompt(task)
    json_schema = json_schema_of(schema)
    system, user = template.render(variables=to_json(dict(variables)), schema=to_json(json_schema))
    _, note = load_prompt("schema_note").render(schema=to_json(json_schema))
    request = ModelRequest(
        system=system,
        messages=(Message("user", user),),
        schema_name=schema.__name__,
        json_schema=json_schema,
        max_output_tokens=max_output_tokens,
        schema_note=note,
    )
    return request, template.version


def reask(request: ModelRequest, answer: str, errors: list[str]) -> ModelRequest:
    """The same conversation with the bad answer and what was wrong with it."""
    _, text = load_prompt("reask").render(errors="\n".join(f"- {error}" for error in errors))
    turns = (Message("assistant", answer or "(empty)"), Message("user", text))
    return dataclasses.replace(request, messages=request.messages + turns)
