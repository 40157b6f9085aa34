"""Trip ids and resource names ("trips/{id}")."""

import re
import secrets
import time

from services.runtime.errors import InvalidArgument

_NAME = re.compile(r"trips/([a-z0-9][a-z0-9-]{0,62})")


def new_trip_id() -> str:
    """A 32-hex-digit id that sorts by creation time (milliseconds, then 80 random bits)."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def trip_name(trip_id: str) -> str:
    return f"trips/{trip_id}"


def parse_trip_name(name: str) -> str:
    """The id in "trips/{id}"; INVALID_ARGUMENT naming `name` when it is not one."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument(
            f"name must look like trips/{{trip}}, got {name!r}",
            reason="INVALID_TRIP_NAME",
            field="name",
        )
    return match.group(1)
