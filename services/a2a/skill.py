"""An agent's A2A skill: its card entry, the request it takes and the work.

Apart from the executor (executor.py), which needs the a2a-sdk's server side: the
services describe their skills at start, and the SDK's server loads on the first A2A call.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from a2a.types import a2a_pb2
from google.protobuf.message import Message

# A line for people and the stage it reports ("" for none), as the task's working status.
Progress = Callable[[str, str], Awaitable[None]]
SkillRun = Callable[[Message, Progress], Awaitable[Message]]


@dataclass(frozen=True)
class TripSkill:
    """One skill of an agent: its card entry, the request it takes and the work."""

    card: a2a_pb2.AgentSkill
    request_type: type[Message]
    trip_field: str  # where the PlanTripRequest sits in request_type; "" when it is one
    artifact_name: str  # "trip", "itinerary", ...
    run: SkillRun


# A unary method of a thin servicer (proto in, proto out), which never reads its context.
UnaryMethod = Callable[[Any, Any], Awaitable[Message]]


def unary_skill(
    card: a2a_pb2.AgentSkill,
    request_type: type[Message],
    artifact_name: str,
    method: UnaryMethod,
) -> TripSkill:
    """A skill that is one call of an agent's own servicer, in process; the request holds
    the trip at `trip`."""

    async def run(request: Message, progress: Progress) -> Message:
        return await method(request, None)

    return TripSkill(card, request_type, "trip", artifact_name, run)
