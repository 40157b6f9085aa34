"""The tools of one agent, invoked by name with validated arguments and results."""

import logging
from collections.abc import Sequence

from services.runtime.errors import Internal, InvalidArgument, NotFound
from services.tools.definition import JsonObject, ToolSpec, tool_of
from services.tools.schemas import validate

logger = logging.getLogger(__name__)


class ToolBox:
    """Invokes an agent's tools: arguments checked against the input schema, results
    against the output schema (a result that breaks it is our bug: INTERNAL)."""

    def __init__(self, tools: Sequence[ToolSpec]) -> None:
        self._tools = {tool.name: tool for tool in tools}
        if len(self._tools) != len(tools):
            raise ValueError("two tools with the same name")

    @property
    def tools(self) -> list[ToolSpec]:
        return list(self._tools.values())

    def get(self, name: str) -> ToolSpec:
        """The tool of a resource name "tools/{tool}"."""
        tool = tool_of(name)
        if tool is None:
            raise InvalidArgument(
                f"{name!r} is not a tool name (tools/{{tool}})",
                reason="INVALID_TOOL_NAME",
                field="name",
            )
        spec = self._tools.get(tool)
        if spec is None:
            raise NotFound(
                f"this instance does not provide {name}",
                reason="TOOL_NOT_PROVIDED",
                metadata={"tool": name},
            )
        return spec

    async def invoke(self, name: str, arguments: JsonObject) -> JsonObject:
        spec = self.get(name)
        validate(
            spec.compiled_input,
            arguments,
            prefix="arguments",
            reason="INVALID_TOOL_ARGUMENTS",
            metadata={"tool": spec.resource_name},
        )
        result = await spec.run(arguments)
        failure = spec.compiled_output.failure(result)
        if failure is not None:
            logger.error("%s returned a result that breaks its schema at %s: %s", name, *failure)
            raise Internal(f"{name} produced an invalid result", reason="INVALID_TOOL_RESULT")
        return result
