"""A tool as an agent defines it: name, JSON Schemas, version, tags and the function."""

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from tripmesh.v1 import tool_registry_service_pb2 as registry_pb2

from services.tools.schemas import CompiledSchema
from services.tools.structs import to_struct

JsonObject = dict[str, Any]
Handler = Callable[[JsonObject], JsonObject | Awaitable[JsonObject]]

TOOL_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
RESOURCE_PREFIX = "tools/"


def resource_name(tool: str) -> str:
    """ "tools/currency.convert" for "currency.convert"."""
    return f"{RESOURCE_PREFIX}{tool}"


def tool_of(name: str) -> str | None:
    """ "currency.convert" for "tools/currency.convert"; None when `name` is not a tool name."""
    if not name.startswith(RESOURCE_PREFIX):
        return None
    tool = name[len(RESOURCE_PREFIX) :]
    return tool if TOOL_NAME.match(tool) else None


@dataclass(frozen=True)
class ToolSpec:
    """One tool. `handler` takes the validated arguments and returns the result object.

    Handlers may be coroutine functions or plain functions; plain ones without a
    `warm_up` run in a worker thread, because a first call may load data for seconds
    and the event loop must keep serving (heartbeats, health) meanwhile. They raise the typed
    errors of services.runtime.errors for a request they cannot serve.
    """

    name: str  # "currency.convert"
    description: str
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any]
    handler: Handler
    version: str = "1.0.0"
    tags: tuple[str, ...] = ()
    # Loads what the handler needs (shipped data), in a thread before the tool is registered,
    # so that no caller waits for a cold start and the router never sees one.
    warm_up: Callable[[], object] | None = None
    compiled_input: CompiledSchema = field(init=False, repr=False, compare=False)
    compiled_output: CompiledSchema = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not TOOL_NAME.match(self.name):
            raise ValueError(f"tool name {self.name!r} is not dotted lower_snake (geo.distance)")
        # Schemas are checked here, so that a bad one stops the agent at start.
        object.__setattr__(self, "compiled_input", CompiledSchema(self.input_schema))
        object.__setattr__(self, "compiled_output", CompiledSchema(self.output_schema))

    @property
    def resource_name(self) -> str:
        return resource_name(self.name)

    async def run(self, arguments: JsonObject) -> JsonObject:
        """Calls the handler: awaited when it is a coroutine function, else in a thread, unless
        the tool warms up (its data is loaded before it is offered: a call is a lookup, and a
        worker thread would cost more than the call itself)."""
        outcome: Any
        if inspect.iscoroutinefunction(self.handler):
            outcome = await self.handler(arguments)
        elif self.warm_up is not None:
            outcome = self.handler(arguments)
        else:
            outcome = await asyncio.to_thread(self.handler, arguments)
        if inspect.isawaitable(outcome):  # a plain function that returned a coroutine
            outcome = await outcome
        return cast(JsonObject, outcome)

    def to_proto(self) -> registry_pb2.Tool:
        """The registry's Tool message for this tool (without providers)."""
        tool = registry_pb2.Tool(
            name=self.resource_name,
            description=self.description,
            version=self.version,
            tags=list(self.tags),
        )
        tool.input_schema.CopyFrom(to_struct(self.input_schema))
        tool.output_schema.CopyFrom(to_struct(self.output_schema))
        return tool
