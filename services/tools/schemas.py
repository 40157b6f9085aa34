"""JSON Schema checks: schemas must be valid, and values are validated with the failing path.

A failure names the JSON path of the offending value ("$.amount", "$.to"), in
the error's ErrorInfo metadata (`path`) and as the BadRequest field
("arguments.amount"), so that a client can point at what to fix.
"""

from collections.abc import Mapping
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from services.runtime.errors import InvalidArgument


class CompiledSchema:
    """A JSON Schema checked once, with its validator ready for many values."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = dict(schema)
        cls = jsonschema.validators.validator_for(self.schema)
        cls.check_schema(self.schema)
        self._validator: Validator = cls(self.schema, format_checker=cls.FORMAT_CHECKER)

    def failure(self, value: Any) -> tuple[str, str] | None:
        """(JSON path, message) of the most relevant error, or None when `value` is valid."""
        if self._validator.is_valid(value):  # stops at the first error; most values have none
            return None
        error = best_match(self._validator.iter_errors(value))
        if error is None:
            return None
        return failing_path(error), error.message


def schema_error(schema: Mapping[str, Any]) -> str | None:
    """Why `schema` is not a valid JSON Schema (None when it is)."""
    try:
        cls = jsonschema.validators.validator_for(dict(schema))
        cls.check_schema(dict(schema))
    except jsonschema.SchemaError as exc:
        return f"{exc.message} (at {exc.json_path})"
    return None


def failing_path(error: jsonschema.ValidationError) -> str:
    """The JSON path of the value at fault; for a missing or unexpected property, that property.

    jsonschema reports `required` and `additionalProperties` at the enclosing
    object, which is true but does not tell a client which field to fix.
    """
    path = str(error.json_path)
    required = error.validator_value
    if (
        error.validator == "required"
        and isinstance(error.instance, dict)
        and isinstance(required, list)
    ):
        missing = [p for p in required if p not in error.instance]
        if missing:
            return _child(path, str(missing[0]))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(p for p in error.instance if p not in known)
        if extra:
            return _child(path, extra[0])
    return path


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if name.isidentifier() else f"{path}[{name!r}]"


def field_of(path: str, prefix: str) -> str:
    """The BadRequest field of a JSON path: "$.a[0].b" under "arguments" is "arguments.a[0].b"."""
    rest = path[1:] if path.startswith("$") else path
    return f"{prefix}{rest}" if rest else prefix


def validate(
    schema: CompiledSchema,
    value: Any,
    *,
    prefix: str,
    reason: str,
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Raises InvalidArgument naming the failing JSON path when `value` breaks `schema`."""
    failure = schema.failure(value)
    if failure is None:
        return
    path, message = failure
    field = field_of(path, prefix)
    raise InvalidArgument(
        f"{field}: {message}",
        reason=reason,
        field=field,
        metadata={**(metadata or {}), "path": path},
    )
