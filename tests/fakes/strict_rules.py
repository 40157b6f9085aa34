"""The rules OpenAI's strict structured outputs and Anthropic's strict tools put on a JSON
Schema, checked the way the services do, so that a fake refuses what they refuse; and
whether a scripted answer is one that a schema-constrained model could give.

Written from the providers' documentation, independently of services/llm/answer_schema.py:
every object closed (`additionalProperties: false`) with every property in `required`,
and only the keywords each service lists.
"""

import json
from dataclasses import dataclass
from typing import Any

import jsonschema

_CORE = {"type", "properties", "required", "additionalProperties", "items", "enum", "const"}
_CORE |= {"anyOf", "$ref", "$defs", "definitions", "description", "title"}


@dataclass(frozen=True)
class StrictRules:
    keywords: frozenset[str]
    formats: frozenset[str]
    max_min_items: int | None = None
    all_required: bool = True  # OpenAI: every property in `required`; Claude: no such rule


OPENAI = StrictRules(
    frozenset(
        _CORE
        | {"pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        | {"multipleOf", "minItems", "maxItems"}
    ),
    frozenset({"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6"})
    | {"uuid"},
)
ANTHROPIC = StrictRules(
    frozenset(_CORE | {"pattern", "format", "minItems", "allOf", "default"}),
    frozenset({"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4"})
    | {"ipv6", "uuid"},
    max_min_items=1,
    all_required=False,
)


def strict_violation(schema: Any, rules: StrictRules) -> str | None:
    """The first rule `schema` breaks, worded like the services' 400s, or None."""
    if not isinstance(schema, dict) or schema.get("type") != "object" or "anyOf" in schema:
        return "In context=(), schema must be a JSON Schema of 'type: \"object\"', got none."
    return _visit(schema, (), rules)


def _visit(node: Any, context: tuple[str, ...], rules: StrictRules) -> str | None:
    if not isinstance(node, dict):
        return f"In context={context}, schema must be an object."
    for key, value in node.items():
        problem = _keyword(key, value, context, rules)
        if problem:
            return problem
    if node.get("type") == "object" or "properties" in node:
        problem = _closed(node, context, rules)
        if problem:
            return problem
    return _children(node, context, rules)


def _keyword(key: str, value: Any, context: tuple[str, ...], rules: StrictRules) -> str | None:
    if key not in rules.keywords:
        return f"In context={context}, '{key}' is not permitted."
    if key == "format" and value not in rules.formats:
        return f"In context={context}, format '{value}' is not permitted."
    if key == "minItems" and rules.max_min_items is not None and value > rules.max_min_items:
        return f"In context={context}, minItems values other than 0 or 1 are not supported."
    return None


def _closed(node: dict[str, Any], context: tuple[str, ...], rules: StrictRules) -> str | None:
    if node.get("additionalProperties") is not False:
        return (
            f"In context={context}, 'additionalProperties' is required to be supplied "
            "and to be false."
        )
    missing = [name for name in node.get("properties", {}) if name not in node.get("required", [])]
    if missing and rules.all_required:
        return (
            f"In context={context}, 'required' is required to be supplied and to be an array "
            f"including every key in properties. Missing '{missing[0]}'."
        )
    return None


def _children(node: dict[str, Any], context: tuple[str, ...], rules: StrictRules) -> str | None:
    subs: list[tuple[tuple[str, ...], Any]] = []
    for group in ("properties", "$defs", "definitions"):
        subs += [((*context, group, k), v) for k, v in node.get(group, {}).items()]
    if "items" in node:
        subs.append(((*context, "items"), node["items"]))
    subs += [((*context, "anyOf", str(i)), v) for i, v in enumerate(node.get("anyOf", []))]
    for where, sub in subs:
        problem = _visit(sub, where, rules)
        if problem:
            return problem
    return None


def answer_mismatch(text: str, schema: dict[str, Any], *, as_json: bool = True) -> str | None:
    """How the answer `text` fails to be JSON of `schema` (or, `as_json` False, the bare
    string it is), worded to follow "the scripted answer"; None when it is one."""
    value: Any = text
    if as_json:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            return f"is not JSON ({exc.msg} at character {exc.pos}: {text[:40]!r})"
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        return f"breaks the schema it was asked for ({exc.message})"
    return None
