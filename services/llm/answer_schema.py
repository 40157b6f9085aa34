"""The answer models' JSON Schema in the dialect a provider's structured output accepts.

OpenAI's strict mode, Anthropic's strict tools and Gemini's `responseJsonSchema` each
take a subset of JSON Schema: every object closed (`additionalProperties: false`), every
property required (an optional one becomes nullable), and only some keywords. A limit a
dialect cannot express (`maxLength` in strict mode, `minimum` for Claude) is not lost: it
is written into the property's description, which the model reads, and the answer is still
validated against the full pydantic model, whose errors go back to the model on a re-ask.

Hand-written rather than the SDKs' helpers: `openai.lib._pydantic.to_strict_json_schema`
is private and keeps keywords strict mode rejects (`minLength`), and neither it nor
`anthropic.transform_schema` makes a property with a default nullable.
"""

import copy
from dataclasses import dataclass
from typing import Any

_CORE = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "const"}
    | {"anyOf", "$ref", "$defs", "description", "title"}
)


@dataclass(frozen=True)
class Dialect:
    """What one provider's structured output accepts beyond the core keywords."""

    name: str
    keywords: frozenset[str]
    formats: frozenset[str]
    min_items_at_most: int | None = None  # Claude accepts minItems 0 or 1 only


OPENAI_STRICT = Dialect(
    "openai",
    _CORE
    | {"pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
    | {"multipleOf", "minItems", "maxItems"},
    frozenset({"date-time", "time", "date", "duration", "email", "hostname"})
    | {"ipv4", "ipv6", "uuid"},
)
ANTHROPIC_STRICT = Dialect(
    "anthropic",
    _CORE | {"pattern", "format", "minItems"},
    frozenset({"date-time", "time", "date", "duration", "email", "hostname", "uri"})
    | {"ipv4", "ipv6", "uuid"},
    min_items_at_most=1,
)
GEMINI_JSON = Dialect(
    "gemini",
    _CORE | {"format", "minimum", "maximum", "minItems", "maxItems"},
    frozenset({"date-time", "date", "time"}),
)

# How a dropped limit reads in a description.
_WORDS = {
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minimum": "at least {}",
    "maximum": "at most {}",
    "exclusiveMinimum": "more than {}",
    "exclusiveMaximum": "less than {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "pattern": "matching the regular expression {}",
    "format": "in {} format",
}
_SILENT = frozenset({"default", "examples"})  # dropped without a word: no limit in them


def constrained_schema(schema: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """`schema` (a pydantic model's JSON Schema) rewritten for `dialect`; the input is kept."""
    return _node(copy.deepcopy(schema), dialect)


def _node(node: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    if "$ref" in node:  # siblings of $ref are not allowed in strict mode
        return {"$ref": node["$ref"]}
    limits: list[str] = []
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$defs" or key == "properties":
            out[key] = {name: _node(sub, dialect) for name, sub in value.items()}
        elif key == "items":
            out[key] = _node(value, dialect)
        elif key == "anyOf":
            out[key] = [_node(sub, dialect) for sub in value]
        elif key in _SILENT:
            continue
        elif _allowed(key, value, dialect):
            out[key] = value
        else:
            limits.append(_limit(key, value))
    if limits:
        described = out.get("description", "")
        out["description"] = f"{described} ({'; '.join(limits)})".strip()
    if "properties" in out:
        _close(out, node.get("required", []))
    return out


def _limit(key: str, value: Any) -> str:
    if key == "minLength" and value == 1:
        return "not empty"
    return _WORDS.get(key, key + " {}").format(value)


def _allowed(key: str, value: Any, dialect: Dialect) -> bool:
    if key not in dialect.keywords:
        return False
    if key == "format":
        return value in dialect.formats
    if key == "minItems" and dialect.min_items_at_most is not None:
        return int(value) <= dialect.min_items_at_most
    return True


def _close(obj: dict[str, Any], required: list[str]) -> None:
    """Every property required, the optional ones nullable, no other keys allowed."""
    properties: dict[str, Any] = obj["properties"]
    for name, sub in properties.items():
        if name not in required:
            properties[name] = _nullable(sub)
    obj["required"] = list(properties)
    obj["additionalProperties"] = False


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    if _admits_null(node):
        return node
    if "$ref" in node or "enum" in node or "const" in node:
        return {"anyOf": [node, {"type": "null"}]}
    if "anyOf" in node:
        return {**node, "anyOf": [*node["anyOf"], {"type": "null"}]}
    kind = node.get("type")
    if isinstance(kind, str):
        return {**node, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**node, "type": [*kind, "null"]}
    return {"anyOf": [node, {"type": "null"}]}


def _admits_null(node: dict[str, Any]) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_admits_null(sub) for sub in node.get("anyOf", []))
