"""Claude through the official anthropic SDK's async client.

Structured output is a forced single tool: the answer's JSON Schema is the `input_schema`
of a `strict` tool that `tool_choice` makes Claude call, so the answer is the tool's input
and matches the schema. A re-ask answers that tool call with an error `tool_result`.
"""

import json
import logging
import re
from typing import Any, cast

import anthropic
from anthropic.types import Message as ClaudeMessage
from anthropic.types import MessageParam, ToolParam

from services.llm.answer_schema import ANTHROPIC_STRICT, constrained_schema
from services.llm.errors import Failure, ProviderError, failure_of_status, retry_after_of
from services.llm.providers.base import Message, ModelRequest, RawAnswer
from services.llm.settings import LLMSettings

logger = logging.getLogger(__name__)

# Messages require max_tokens; this is the answer's room when TRIPMESH_LLM_MAX_OUTPUT_TOKENS
# sets none (every current Claude model allows at least this much output).
DEFAULT_MAX_TOKENS = 8192
# The Messages API's 400 for a prompt over the context window:
# "prompt is too long: 208310 tokens > 200000 maximum".
_TOO_LONG = re.compile(r"prompt is too long", re.IGNORECASE)


class AnthropicProvider:
    """Messages with a forced strict tool; the SDK never retries (the chain does)."""

    kind = "anthropic"

    def __init__(self, model: str, settings: LLMSettings) -> None:
        if settings.anthropic_api_key is None:
            raise ValueError("ANTHROPIC_API_KEY is not set")
        self.model = model
        self._client = anthropic.AsyncAnthropic(
            api_key=settings.anthropic_api_key.get_secret_value(),
            base_url=settings.anthropic_base_url,
            max_retries=0,
            timeout=settings.llm_call_timeout,
        )

    async def generate(self, request: ModelRequest) -> RawAnswer:
        tool = _answer_tool(request)
        try:
            message = await self._client.messages.create(
                model=self.model,
                max_tokens=request.max_output_tokens or DEFAULT_MAX_TOKENS,
                system=request.system,
                messages=_turns(request.messages, tool["name"]),
                tools=[tool],
                tool_choice={"type": "tool", "name": tool["name"]},
            )
        except anthropic.APIStatusError as exc:
            raise _status_error(exc) from None
        except anthropic.APITimeoutError as exc:
            raise ProviderError(Failure.TIMEOUT, "the provider timed out") from exc
        except anthropic.APIConnectionError as exc:
            raise ProviderError(Failure.UNAVAILABLE, f"connection failed: {exc}") from None
        return _answer(message, tool["name"])

    async def aclose(self) -> None:
        await self._client.close()


def _answer_tool(request: ModelRequest) -> ToolParam:
    return {
        "name": request.schema_name,
        "description": f"Give the answer: one {request.schema_name} object.",
        "input_schema": constrained_schema(request.json_schema, ANTHROPIC_STRICT),
        "strict": True,
    }


def _turns(messages: tuple[Message, ...], tool: str) -> list[MessageParam]:
    """The conversation; a previous answer is the tool call it was, and the re-ask that
    follows it is that call's error result, as the Messages API wants a tool call answered."""
    turns: list[dict[str, Any]] = []
    pending: str | None = None  # id of a tool call the next user turn must answer
    for index, message in enumerate(messages):
        if message.role == "assistant":
            block, pending = _previous_answer(message.text, tool, f"toolu_answer_{index}")
            turns.append({"role": "assistant", "content": [block]})
        elif pending is not None:
            result = {"type": "tool_result", "tool_use_id": pending, "is_error": True}
            turns.append({"role": "user", "content": [{**result, "content": message.text}]})
            pending = None
        else:
            turns.append({"role": "user", "content": message.text})
    return cast(list[MessageParam], turns)  # the SDK's TypedDicts, built as plain dicts


def _previous_answer(text: str, tool: str, call_id: str) -> tuple[dict[str, Any], str | None]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return {"type": "tool_use", "id": call_id, "name": tool, "input": value}, call_id
    return {"type": "text", "text": text or "(empty)"}, None


def _status_error(exc: anthropic.APIStatusError) -> ProviderError:
    if exc.status_code == 413 or (exc.status_code == 400 and _TOO_LONG.search(exc.message)):
        return ProviderError(Failure.CONTEXT_WINDOW, "the input exceeds the context window")
    failure = failure_of_status(exc.status_code)  # 529 "overloaded" is a 5xx: unavailable
    retry_after = retry_after_of(exc.response.headers)
    return ProviderError(failure, f"HTTP {exc.status_code}", retry_after=retry_after)


def _answer(message: ClaudeMessage, tool: str) -> RawAnswer:
    usage = message.usage
    tokens = {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens}
    if message.stop_reason == "refusal":  # billed all the same
        raise ProviderError(Failure.BLOCKED, "the model declined to answer (refusal)", **tokens)
    if message.stop_reason == "model_context_window_exceeded":
        message_text = "the answer ran out of context window"
        raise ProviderError(Failure.CONTEXT_WINDOW, message_text, **tokens)
    for block in message.content:
        if block.type == "tool_use" and block.name == tool:
            cut = message.stop_reason == "max_tokens"
            return RawAnswer(text=json.dumps(block.input), truncated=cut, **tokens)
    # No tool call (cut short before it): the text is parsed, and re-asked when malformed.
    text = "".join(block.text for block in message.content if block.type == "text")
    return RawAnswer(text=text, truncated=message.stop_reason == "max_tokens", **tokens)
