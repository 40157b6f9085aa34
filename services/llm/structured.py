"""From a model's text to a validated answer: parse, repair where safe, validate, check.

Repair is "safe" because whatever json-repair makes of the text must still validate
against the schema and pass the task's rules; otherwise the answer is malformed.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic

T = TypeVar("T", bound=pydantic.BaseModel)

_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?```\s*$", re.DOTALL)
_MAX_ERRORS = 8


class MalformedAnswer(ValueError):
    """The answer cannot be used; `errors` say why, in words a model can act on."""

    def __init__(self, errors: list[str], text: str = "") -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.text = text  # the answer as given, for the re-ask's conversation


@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T
    repaired: bool


def parse_answer(text: str, schema: type[T], check: Callable[[T], list[str]]) -> Parsed[T]:
    """The validated answer in `text`, or MalformedAnswer."""
    try:
        return _parse(text, schema, check)
    except MalformedAnswer as exc:
        raise MalformedAnswer(exc.errors, text) from None


def _parse(text: str, schema: type[T], check: Callable[[T], list[str]]) -> Parsed[T]:
    data, repaired = _load(text)
    if not isinstance(data, dict):
        raise MalformedAnswer(["the answer is not a JSON object"])
    try:
        value = schema.model_validate(_without_nulls(data))
    except pydantic.ValidationError as exc:
        raise MalformedAnswer(_describe(exc)) from None
    violations = check(value)
    if violations:
        raise MalformedAnswer(violations[:_MAX_ERRORS])
    return Parsed(value, repaired)


def _without_nulls(value: Any) -> Any:
    """Structured output sends every property, null for an optional one left out; the
    answer models take a missing key as "use the default", so nulls are dropped."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _load(text: str) -> tuple[Any, bool]:
    stripped = text.strip()
    if not stripped:
        raise MalformedAnswer(["the answer is empty"])
    try:
        return json.loads(stripped), False
    except json.JSONDecodeError:
        pass
    fenced = _FENCE.match(stripped)
    body = fenced.group(1) if fenced else stripped
    # Closes truncated objects, drops trailing commas and surrounding prose. Imported here:
    # only a model's malformed answer needs it (0.3 MB in each process that has a chain).
    import json_repair

    repaired = json_repair.loads(body)
    if repaired in ("", None):
        raise MalformedAnswer(["the answer is not JSON"])
    return repaired, True


def _describe(exc: pydantic.ValidationError) -> list[str]:
    errors = []
    for error in exc.errors()[:_MAX_ERRORS]:
        where = ".".join(str(part) for part in error["loc"]) or "(root)"
        errors.append(f"{where}: {error['msg']}")
    return errors
