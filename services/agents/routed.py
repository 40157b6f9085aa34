"""The agents' own tool calls: through the task router, answered locally when it is down.

A trip must not fail because the router (or every provider of a tool) is out: on
UNAVAILABLE or DEADLINE_EXCEEDED the agent computes the same thing with its local
function and says so in a warning. Any other error (a bad argument, an unknown
tool) is a bug or a bad request and goes back to the caller unchanged.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from services.agents.remembered_tools import RememberedTools
from services.runtime import errors
from services.tools.client import ToolClient
from services.tools.definition import JsonObject

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The tools agents use are in-memory lookups (milliseconds). A router that has not
# answered within this is hung or overloaded: better the local answer now than the
# caller's whole deadline spent waiting.
TOOL_TIMEOUT = 3.0

DEGRADED = (errors.Unavailable, errors.DeadlineExceeded)


class ToolCaller(Protocol):
    """services.tools.client.ToolClient, or anything that calls tools the same way."""

    async def call(self, tool: str, arguments: JsonObject) -> JsonObject: ...


class _HasChannels(Protocol):
    @property
    def channels(self) -> Any: ...

    @property
    def settings(self) -> Any: ...


def tool_client(context: _HasChannels) -> RememberedTools:
    """A router client for an agent's own tool calls (`ServiceContext` in `install()`),
    remembering the results of pure tools."""
    client = ToolClient.from_context(context, timeout=TOOL_TIMEOUT)
    return RememberedTools(client, ttl=context.settings.tool_result_ttl)


async def routed_or_local(
    routed: Awaitable[T], local: Callable[[], T], what: str
) -> tuple[T, list[str]]:
    """`routed`'s answer, else `local()`'s with a warning naming `what` was computed locally."""
    try:
        return await routed, []
    except DEGRADED as exc:
        logger.warning("%s computed locally: %r", what, exc)
        return local(), [f"{what} computed locally: {_why(exc)}"]


def _why(exc: errors.TripmeshError) -> str:
    # No ErrorInfo (domain None): the call never got an answer from the router.
    if exc.domain is None:
        return f"the task router did not answer ({exc.code.name})"
    return f"no provider of the tool answered ({exc.code.name}, {exc.reason})"
