"""The door of every server: a request that cannot be decoded, or that a bound refuses,
is INVALID_ARGUMENT with a google.rpc.BadRequest before any handler runs.

grpc decodes a request with the handler's `request_deserializer` before any interceptor
sees it, and answers UNKNOWN naming a Python class when that raises (corrupt wire format,
a Struct nested past upb's depth limit). So the door replaces the deserializer with one
that turns any decoding failure into an `Undecodable` value, and the handler refuses
that value, like a request out of bounds, with the statuses of the runtime (`admit`).
It is the innermost step of the server pipeline (pipeline.py): its error step maps what
the door raises.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.runtime.bounds import Table, violations
from services.runtime.errors import FieldViolation, InvalidArgument

Deserializer = Callable[[bytes], Any]


@dataclass(frozen=True)
class Undecodable:
    """What the guarded deserializer returns for bytes that are not a valid request."""

    type_name: str


def guarded(deserialize: Deserializer | None) -> Deserializer | None:
    """`deserialize`, returning Undecodable instead of raising."""
    if deserialize is None:
        return None
    message_type = getattr(deserialize, "__self__", None)
    type_name = getattr(getattr(message_type, "DESCRIPTOR", None), "full_name", "request")

    def decode(data: bytes) -> Any:
        try:
            return deserialize(data)
        except Exception:  # DecodeError, RecursionError: any failure is the sender's bytes
            return Undecodable(type_name)

    return decode


def admit(request: Any, table: Table) -> None:
    """Raises InvalidArgument naming every field of `request` that is malformed or out of
    bounds; returns when the request may go in."""
    if isinstance(request, Undecodable):
        raise InvalidArgument(
            f"the request is not a valid {request.type_name} message"
            " (corrupt wire format, or nested too deep)",
            reason="MALFORMED_REQUEST",
            violations=[FieldViolation("request", "cannot be decoded")],
        )
    if found := violations(request, table):
        names = ", ".join(v.field for v in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise InvalidArgument(
            f"{len(found)} field(s) out of bounds: {names}{more}",
            reason="FIELD_OUT_OF_BOUNDS",
            violations=found,
        )
