"""OpenAI and any OpenAI-compatible server, through the official async SDK."""

import logging
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from services.llm.answer_schema import OPENAI_STRICT, constrained_schema
from services.llm.errors import Failure, ProviderError, failure_of_status, retry_after_of
from services.llm.providers.base import ModelRequest, RawAnswer
from services.llm.settings import LLMSettings

logger = logging.getLogger(__name__)


class OpenAIProvider:
    """Chat completions with a strict JSON Schema (structured outputs), or in JSON mode for
    OpenAI-compatible servers without `json_schema`; the SDK never retries (the chain does)."""

    kind = "openai"

    def __init__(self, model: str, settings: LLMSettings) -> None:
        if settings.openai_api_key is None:
            raise ValueError("OPENAI_API_KEY is not set")
        self.model = model
        self._format = settings.openai_response_format
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            max_retries=0,
            timeout=settings.llm_call_timeout,
        )

    async def generate(self, request: ModelRequest) -> RawAnswer:
        try:
            completion = await self._client.chat.completions.create(**self._params(request))
        except openai.APIStatusError as exc:
            raise _status_error(exc) from None
        except openai.APITimeoutError as exc:
            raise ProviderError(Failure.TIMEOUT, "the provider timed out") from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(Failure.UNAVAILABLE, f"connection failed: {exc}") from None
        return _answer(completion)

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, request: ModelRequest) -> dict[str, Any]:
        messages: list[ChatCompletionMessageParam] = [{"role": "system", "content": request.system}]
        for index, message in enumerate(request.messages):
            if message.role == "user":
                text = message.text
                if index == 0 and self._format == "json_object":  # no schema but in words
                    text = f"{text}\n\n{request.schema_note}"
                messages.append({"role": "user", "content": text})
            else:
                messages.append({"role": "assistant", "content": message.text})
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_format": self._response_format(request),
        }
        if request.max_output_tokens is not None:
            params["max_completion_tokens"] = request.max_output_tokens
        return params

    def _response_format(self, request: ModelRequest) -> dict[str, Any]:
        if self._format == "json_object":  # the schema travels in the prompt only
            return {"type": "json_object"}
        schema = constrained_schema(request.json_schema, OPENAI_STRICT)
        return {
            "type": "json_schema",
            "json_schema": {"name": request.schema_name, "schema": schema, "strict": True},
        }


def _status_error(exc: openai.APIStatusError) -> ProviderError:
    body = exc.body if isinstance(exc.body, dict) else {}
    if body.get("code") == "content_filter":  # Azure OpenAI refuses the prompt this way
        return ProviderError(Failure.BLOCKED, "the provider's content filter refused the request")
    if body.get("code") == "context_length_exceeded":
        return ProviderError(Failure.CONTEXT_WINDOW, "the input exceeds the context window")
    failure = failure_of_status(exc.status_code)
    retry_after = retry_after_of(exc.response.headers)
    return ProviderError(failure, f"HTTP {exc.status_code}", retry_after=retry_after)


def _answer(completion: ChatCompletion) -> RawAnswer:
    usage = completion.usage
    input_tokens = usage.prompt_tokens if usage else 0
    output_tokens = usage.completion_tokens if usage else 0
    if not completion.choices:  # an empty answer: parsed as malformed, so re-asked
        return RawAnswer("", input_tokens, output_tokens)
    choice = completion.choices[0]
    if choice.finish_reason == "content_filter" or choice.message.refusal:
        message = "the provider's content filter refused the answer"  # billed all the same
        raise ProviderError(
            Failure.BLOCKED, message, input_tokens=input_tokens, output_tokens=output_tokens
        )
    cut = choice.finish_reason == "length"
    return RawAnswer(choice.message.content or "", input_tokens, output_tokens, truncated=cut)
