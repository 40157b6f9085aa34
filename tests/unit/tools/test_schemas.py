"""JSON Schema validation names the failing JSON path."""

import pytest

from services.runtime.errors import InvalidArgument
from services.tools.schemas import CompiledSchema, field_of, schema_error, validate
from services.tools.structs import to_dict, to_struct

SCHEMA = CompiledSchema(
    {
        "type": "object",
        "properties": {
            "amount": {"type": "number", "minimum": 0},
            "from": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "stops": {"type": "array", "items": {"type": "object", "required": ["city"]}},
            "day": {"type": "string", "format": "date"},
        },
        "required": ["amount", "from"],
        "additionalProperties": False,
    }
)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"from": "USD"}, "$.amount"),
        ({"amount": -1, "from": "USD"}, "$.amount"),
        ({"amount": 1, "from": "usd"}, "$.from"),
        ({"amount": 1, "from": "USD", "extra": 1}, "$.extra"),
        ({"amount": 1, "from": "USD", "stops": [{"city": "a"}, {}]}, "$.stops[1].city"),
        ({"amount": 1, "from": "USD", "day": "2027-13-40"}, "$.day"),
    ],
)
def test_failure_names_the_path_of_the_value_to_fix(value: dict[str, object], path: str) -> None:
    failure = SCHEMA.failure(value)
    assert failure is not None
    assert failure[0] == path


def test_valid_values_pass_and_whole_floats_count_as_integers() -> None:
    schema = CompiledSchema({"type": "object", "properties": {"n": {"type": "integer"}}})
    assert schema.failure({"n": 3.0}) is None
    assert SCHEMA.failure({"amount": 0, "from": "EUR", "day": "2027-05-01"}) is None


def test_validate_raises_invalid_argument_with_path_and_field() -> None:
    with pytest.raises(InvalidArgument) as raised:
        validate(SCHEMA, {"amount": "x", "from": "USD"}, prefix="arguments", reason="R")
    error = raised.value
    assert error.field == "arguments.amount"
    assert error.metadata["path"] == "$.amount"
    assert error.reason == "R"


def test_field_of_paths() -> None:
    assert field_of("$", "arguments") == "arguments"
    assert field_of("$.a[0].b", "arguments") == "arguments.a[0].b"


def test_schema_error_reports_invalid_schemas() -> None:
    assert schema_error({"type": "object"}) is None
    assert schema_error({"type": "objectish"}) is not None
    assert schema_error({"properties": {"a": {"minimum": "zero"}}}) is not None


def test_structs_round_trip_with_whole_numbers_as_ints() -> None:
    value = {"a": 3, "b": 2.5, "c": [1, {"d": 4}], "e": None, "f": True, "g": "x"}
    assert to_dict(to_struct(value)) == value
