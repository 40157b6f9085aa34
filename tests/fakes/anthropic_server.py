"""A fake Anthropic Messages API: POST /v1/messages, scripted per test.

    with FakeAnthropic() as fake:
        fake.push(FakeAnthropic.error(529, retry_after="1"), FakeAnthropic.answer({"city": "L"}))
        AsyncAnthropic(base_url=fake.base_url, api_key="test", max_retries=0)
        ...

Routing key: the request's "model". The fake keeps the Messages API's wire rules: the
headers the SDK sends, `max_tokens` and alternating turns, tools with an object
`input_schema` (a `strict` one within strict mode's rules), a forced `tool_choice` naming a
tool, and every `tool_use` answered by a `tool_result` in the next turn; a request breaking
one gets Anthropic's 400. `answer(...)` is a `tool_use` of the forced tool, and its input
must match the tool's schema, as strict tool use guarantees: a scripted input that does
not is a 500 that names the mismatch, so a test cannot script an answer Claude never gives.
"""

import re
from collections.abc import Mapping
from typing import Any

import jsonschema

from tests.fakes.scripted import Call, Reply, ScriptedServer
from tests.fakes.strict_rules import ANTHROPIC, strict_violation

_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
FORCED_TOOL = "{forced tool}"  # placeholder in a scripted answer: the request's forced tool


class FakeAnthropic(ScriptedServer):
    @property
    def base_url(self) -> str:
        """What ANTHROPIC_BASE_URL (or AsyncAnthropic(base_url=...)) takes."""
        return self.url

    def route(self, method: str, path: str, body: Any) -> str | None:
        if method != "POST" or path.split("?")[0].rstrip("/") != "/v1/messages":
            raise LookupError(path)
        model = body.get("model") if isinstance(body, dict) else None
        return str(model) if model is not None else None

    def refuse(self, call: Call) -> Reply | None:
        if "x-api-key" not in call.headers and "authorization" not in call.headers:
            return FakeAnthropic.error(401, "x-api-key header is required", "authentication_error")
        if "anthropic-version" not in call.headers:
            return FakeAnthropic.error(400, "anthropic-version: header is required")
        problem = _request_problem(call.body) if isinstance(call.body, dict) else "invalid JSON"
        return FakeAnthropic.error(400, problem) if problem else None

    def finish(self, call: Call, reply: Reply) -> Reply:
        body = reply.body
        if reply.status != 200 or not isinstance(body, dict) or not isinstance(call.body, dict):
            return reply
        tools = {tool["name"]: tool for tool in call.body.get("tools", [])}
        forced = (call.body.get("tool_choice") or {}).get("name")
        content = []
        for block in body.get("content", []):
            if block.get("type") == "tool_use":
                block = {**block, "name": forced if block["name"] == FORCED_TOOL else block["name"]}
                mismatch = _input_mismatch(block, tools)
                if mismatch:
                    return Reply(
                        500, {"type": "error", "error": {"type": "fake", "message": mismatch}}
                    )
            content.append(block)
        return Reply(
            reply.status, {**body, "content": content}, reply.headers, reply.delay, reply.hang
        )

    def __enter__(self) -> "FakeAnthropic":
        self.start()
        return self

    # -- replies --------------------------------------------------------------

    @staticmethod
    def answer(
        tool_input: Mapping[str, Any],
        *,
        stop_reason: str = "tool_use",
        input_tokens: int = 100,
        output_tokens: int = 50,
    ) -> Reply:
        """The forced tool called with `tool_input`: how Claude gives a structured answer."""
        block = {"type": "tool_use", "id": "toolu_fake", "name": FORCED_TOOL, "input": tool_input}
        return FakeAnthropic._message([block], stop_reason, input_tokens, output_tokens)

    @staticmethod
    def text(text: str, *, stop_reason: str = "end_turn", output_tokens: int = 50) -> Reply:
        """A plain text answer (the tool not called: cut short, or no tool offered)."""
        block = {"type": "text", "text": text}
        return FakeAnthropic._message([block], stop_reason, 100, output_tokens)

    @staticmethod
    def refusal(*, input_tokens: int = 100, output_tokens: int = 12) -> Reply:
        """Claude declining for safety reasons (stop_reason "refusal"), tokens still billed."""
        block = {"type": "text", "text": "I can't help with that."}
        return FakeAnthropic._message([block], "refusal", input_tokens, output_tokens)

    @staticmethod
    def too_long(tokens: int = 250_000, maximum: int = 200_000) -> Reply:
        """The 400 of a prompt longer than the model's context window."""
        return FakeAnthropic.error(400, f"prompt is too long: {tokens} tokens > {maximum} maximum")

    @staticmethod
    def error(
        status: int,
        message: str = "fake error",
        kind: str | None = None,
        *,
        retry_after: str | None = None,
    ) -> Reply:
        """An error in Anthropic's shape; 529 is "overloaded_error"."""
        kinds = {400: "invalid_request_error", 401: "authentication_error"}
        kinds |= {403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}
        kinds |= {500: "api_error", 529: "overloaded_error"}
        error = {"type": kind or kinds.get(status, "api_error"), "message": message}
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        headers["request-id"] = "req_fake"
        return Reply(status, {"type": "error", "error": error}, headers)

    @staticmethod
    def _message(
        content: list[dict[str, Any]], stop_reason: str, input_tokens: int, output_tokens: int
    ) -> Reply:
        return Reply(
            200,
            {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": "claude-fake",
                "content": content,
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
            },
        )


def _request_problem(body: dict[str, Any]) -> str | None:
    """The first rule of the Messages API a request breaks, worded like its 400s."""
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        return "max_tokens: Field required"
    tools = body.get("tools", [])
    for index, tool in enumerate(tools):
        problem = _tool_problem(index, tool)
        if problem:
            return problem
    choice = body.get("tool_choice") or {}
    names = {tool.get("name") for tool in tools}
    if choice.get("type") == "tool" and choice.get("name") not in names:
        return f"tool_choice.name: Tool '{choice.get('name')}' not found in provided tools"
    return _turns_problem(body.get("messages", []))


def _tool_problem(index: int, tool: dict[str, Any]) -> str | None:
    if not _TOOL_NAME.match(str(tool.get("name", ""))):
        return f"tools.{index}.name: String should match pattern '{_TOOL_NAME.pattern}'"
    schema = tool.get("input_schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return f"tools.{index}.input_schema.type: Input should be 'object'"
    if tool.get("strict"):
        problem = strict_violation(schema, ANTHROPIC)
        if problem:
            return f"tools.{index}.input_schema: {problem}"
    return None


def _turns_problem(messages: list[dict[str, Any]]) -> str | None:
    if not messages or messages[0].get("role") != "user":
        return 'messages: first message must use the "user" role'
    for index, (turn, after) in enumerate(zip(messages, [*messages[1:], None], strict=True)):
        if after is not None and after.get("role") == turn.get("role"):
            return f'messages.{index + 1}: roles must alternate between "user" and "assistant"'
        used = [b["id"] for b in _blocks(turn) if b.get("type") == "tool_use"]
        answered = {b.get("tool_use_id") for b in _blocks(after) if b.get("type") == "tool_result"}
        missing = [tool_id for tool_id in used if tool_id not in answered]
        if missing and after is not None:
            return (
                f"messages.{index + 1}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {missing[0]}. Each `tool_use` block must have a "
                "corresponding `tool_result` block in the next message."
            )
    return None


def _blocks(turn: dict[str, Any] | None) -> list[dict[str, Any]]:
    content = turn.get("content") if turn else None
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _input_mismatch(block: dict[str, Any], tools: dict[str, dict[str, Any]]) -> str | None:
    tool = tools.get(block["name"])
    if tool is None:
        return f"fake: the scripted answer calls tool {block['name']!r}, which was not offered"
    try:
        jsonschema.validate(block["input"], tool["input_schema"])
    except jsonschema.ValidationError as exc:
        return f"fake: the scripted tool input breaks the tool's schema: {exc.message}"
    return None
