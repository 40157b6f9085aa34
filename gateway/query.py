"""Query parameters → request fields, as google.api.http maps them.

Every field not bound by the path or the body can be set by a query parameter
named by its dotted field path, in lowerCamelCase or snake_case
(`hints.preferredInstanceId=...`, `page_size=5`); a repeated field takes the
parameter once per value. Only leaves are addressable: scalars, enums and the
well-known types that have a string form. The table of accepted names is built
once per route; a request only looks names up.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import product

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor

from gateway.wkt import STRING_FORM, WRAPPERS

MAX_DEPTH = 4


class QueryError(ValueError):
    """A parameter that names no addressable field, or a bad value; names the parameter."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class QueryField:
    """Where a parameter goes: proto names of the path, and how to read the text."""

    names: tuple[str, ...]
    repeated: bool
    convert: Callable[[str], object]


QueryTable = dict[str, QueryField]


def query_table(message: Descriptor, excluded: Iterable[str] = ()) -> QueryTable:
    """Every accepted parameter name of `message`, fields at `excluded` dotted paths left out."""
    table: QueryTable = {}
    for path in addressable_fields(message, excluded):
        leaf = path[-1]
        entry = QueryField(tuple(f.name for f in path), _is_repeated(leaf), _converter(leaf))
        for spelling in product(*({f.name, f.json_name} for f in path)):
            table[".".join(spelling)] = entry
    return table


def addressable_fields(
    message: Descriptor, excluded: Iterable[str] = ()
) -> list[tuple[FieldDescriptor, ...]]:
    """Field paths a query parameter can set, those under `excluded` dotted paths left out."""
    skip = set(excluded)
    return [
        path
        for path in _leaf_paths(message, (), frozenset())
        if not any(".".join(f.name for f in path[: i + 1]) in skip for i in range(len(path)))
    ]


def _leaf_paths(
    message: Descriptor, prefix: tuple[FieldDescriptor, ...], seen: frozenset[str]
) -> Iterable[tuple[FieldDescriptor, ...]]:
    for field in message.fields:
        path = (*prefix, field)
        if _is_leaf(field):
            yield path
        elif (
            field.message_type is not None
            and not _is_repeated(field)
            and not _is_map(field)
            and len(path) < MAX_DEPTH
            and field.message_type.full_name not in seen
        ):
            yield from _leaf_paths(
                field.message_type, path, seen | {message.full_name, field.message_type.full_name}
            )


def _is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _is_map(field: FieldDescriptor) -> bool:
    message = field.message_type
    return message is not None and message.GetOptions().map_entry


def _is_leaf(field: FieldDescriptor) -> bool:
    if _is_map(field):
        return False
    message = field.message_type
    return message is None or message.full_name in STRING_FORM | WRAPPERS


def _converter(field: FieldDescriptor) -> Callable[[str], object]:
    kind = field.type
    if field.message_type is not None and field.message_type.full_name in WRAPPERS:
        kind = field.message_type.fields_by_name["value"].type
    if kind == FieldDescriptor.TYPE_BOOL:
        return _boolean
    if field.enum_type is not None:
        return _enum_reader(field.enum_type)
    return str  # json_format reads numbers, enums, bytes and well-known types from strings


# Short forms people type in a URL (`/v1/stats?window=1m`); the proto names stay canonical.
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "tripmesh.v1.StatsWindow": {
        "1m": "STATS_WINDOW_ONE_MINUTE",
        "5m": "STATS_WINDOW_FIVE_MINUTES",
        "1h": "STATS_WINDOW_ONE_HOUR",
    },
}


def _enum_reader(enum: EnumDescriptor) -> Callable[[str], object]:
    """Reads an enum value by its name, in any case, with or without the type's prefix
    (`STATS_WINDOW_ONE_MINUTE`, `one_minute`), or by a short form of ENUM_ALIASES."""
    names = [value.name for value in enum.values]
    prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", enum.name).upper() + "_"
    aliases = ENUM_ALIASES.get(enum.full_name, {})

    def read(text: str) -> str | int:
        if text.strip().lstrip("-").isdigit():
            return int(text)  # a number, as proto JSON allows
        upper = text.strip().upper()
        for candidate in (upper, prefix + upper):
            if candidate in names:
                return candidate
        if alias := aliases.get(text.strip().lower()):
            return alias
        shown = [*names, *aliases]
        raise ValueError(f"expected one of {', '.join(shown)}")

    return read


_TRUE = {"true", "1", "t", "yes"}
_FALSE = {"false", "0", "f", "no"}


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def parse_query(pairs: Iterable[tuple[str, str]], table: QueryTable) -> dict[str, object]:
    """A dict in proto JSON form (proto field names) of the parameters; raises QueryError."""
    result: dict[str, object] = {}
    for name, text in pairs:
        entry = table.get(name)
        if entry is None:
            raise QueryError(f"unknown query parameter {name!r}", name)
        try:
            value = entry.convert(text)
        except ValueError as exc:
            raise QueryError(f"query parameter {name!r}: {exc}", name) from None
        _store(result, entry, value, name)
    return result


def _store(result: dict[str, object], entry: QueryField, value: object, name: str) -> None:
    node = result
    for part in entry.names[:-1]:
        child = node.setdefault(part, {})
        assert isinstance(child, dict)
        node = child
    leaf = entry.names[-1]
    if entry.repeated:
        values = node.setdefault(leaf, [])
        assert isinstance(values, list)
        values.append(value)
    elif leaf in node:
        raise QueryError(f"query parameter {name!r} given more than once", name)
    else:
        node[leaf] = value
