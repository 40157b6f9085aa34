"""The deadline of the RPC being served, visible to domain code without gRPC objects.

The server pipeline (pipeline.py) records the incoming deadline here; outgoing gRPC calls,
model calls and tool calls read what is left of it, so that a call never
outlives its caller.
"""

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Absolute deadline on the time.monotonic() clock; None when the caller set none.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "tripmesh_deadline", default=None
)


def remaining() -> float | None:
    """Seconds left before the current RPC's deadline, or None when it has none."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def budget(default: float, margin: float = 0.0) -> float:
    """Seconds an outgoing call may take: what is left minus a margin, else `default`.

    May be zero or negative when the deadline has passed; callers fail fast then.
    """
    left = remaining()
    return default if left is None else min(default, left - margin)


@contextmanager
def deadline_scope(seconds: float | None) -> Iterator[None]:
    """Sets the current deadline to `seconds` from now (None: no deadline) for a block."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def set_deadline(seconds: float | None) -> contextvars.Token[float | None]:
    """Sets the current deadline for the rest of this task; returns a token to reset it."""
    return _deadline.set(None if seconds is None else time.monotonic() + seconds)


def reset_deadline(token: contextvars.Token[float | None]) -> None:
    """Restores the deadline that `set_deadline` replaced."""
    _deadline.reset(token)
