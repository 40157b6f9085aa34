"""Gemini through the google-genai SDK's async client; base URL configurable for tests."""

import logging
import re
from collections.abc import Mapping
from typing import Any

from google import genai
from google.genai import errors, types

from services.llm.answer_schema import GEMINI_JSON, constrained_schema
from services.llm.errors import Failure, ProviderError, failure_of_status, retry_after_of
from services.llm.providers.base import ModelRequest, RawAnswer
from services.llm.settings import LLMSettings

logger = logging.getLogger(__name__)

# Finish reasons that mean the answer was withheld for safety, not that the model erred.
_BLOCKING_FINISH = {
    types.FinishReason.SAFETY,
    types.FinishReason.BLOCKLIST,
    types.FinishReason.PROHIBITED_CONTENT,
    types.FinishReason.SPII,
    types.FinishReason.IMAGE_SAFETY,
}


# Gemini's 400 for a prompt over the context window: "The input token count (1200000)
# exceeds the maximum number of tokens allowed (1048576)."
_TOO_LONG = re.compile(r"input token count.*exceeds the maximum", re.IGNORECASE)


class GeminiProvider:
    """generateContent constrained by the answer's JSON Schema (`responseJsonSchema`, which
    needs the JSON MIME type); the SDK's own retries stay off."""

    kind = "gemini"

    def __init__(self, model: str, settings: LLMSettings) -> None:
        if settings.gemini_api_key is None:
            raise ValueError("GEMINI_API_KEY is not set")
        self.model = model
        options = types.HttpOptions(
            base_url=settings.gemini_base_url,
            timeout=int(settings.llm_call_timeout * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),  # one retry layer: the chain's
        )
        self._client = genai.Client(
            api_key=settings.gemini_api_key.get_secret_value(),
            vertexai=False,
            http_options=options,
        )

    async def generate(self, request: ModelRequest) -> RawAnswer:
        config = types.GenerateContentConfig(
            system_instruction=request.system,
            response_mime_type="application/json",
            response_json_schema=constrained_schema(request.json_schema, GEMINI_JSON),
            max_output_tokens=request.max_output_tokens,
        )
        contents = [
            types.Content(
                role="user" if m.role == "user" else "model", parts=[types.Part(text=m.text)]
            )
            for m in request.messages
        ]
        try:
            response = await self._client.aio.models.generate_content(
                model=self.model, contents=contents, config=config
            )
        except errors.APIError as exc:
            raise _api_error(exc) from None
        # Transport errors (httpx or aiohttp, whichever the SDK picked) reach the chain as
        # they are; it counts any unnamed exception as the provider being unavailable.
        return _answer(response)

    async def aclose(self) -> None:
        await self._client.aio.aclose()


def _api_error(exc: errors.APIError) -> ProviderError:
    if exc.code == 400 and _TOO_LONG.search(str(exc.message or "")):
        return ProviderError(Failure.CONTEXT_WINDOW, "the input exceeds the context window")
    headers = getattr(exc.response, "headers", None)
    retry_after = retry_after_of(headers) if headers is not None else None
    if retry_after is None:
        retry_after = _retry_delay(exc.details)
    return ProviderError(failure_of_status(exc.code), f"HTTP {exc.code}", retry_after=retry_after)


def _retry_delay(details: Any) -> float | None:
    """The google.rpc.RetryInfo delay ("17s") that Gemini puts in a 429's body."""
    error = details.get("error", details) if isinstance(details, Mapping) else {}
    for item in error.get("details", []) if isinstance(error, Mapping) else []:
        delay = item.get("retryDelay") if isinstance(item, Mapping) else None
        if isinstance(delay, str) and delay.endswith("s"):
            try:
                return max(0.0, float(delay[:-1]))
            except ValueError:
                return None
    return None


def _answer(response: types.GenerateContentResponse) -> RawAnswer:
    usage = response.usage_metadata
    input_tokens = (usage.prompt_token_count or 0) if usage else 0
    # Thinking tokens are billed as output.
    output_tokens = (
        (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0) if usage else 0
    )
    billed = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise ProviderError(Failure.BLOCKED, f"prompt blocked ({feedback.block_reason})", **billed)
    candidate = response.candidates[0] if response.candidates else None
    if candidate is not None and candidate.finish_reason in _BLOCKING_FINISH:
        message = f"answer blocked ({candidate.finish_reason})"
        raise ProviderError(Failure.BLOCKED, message, **billed)
    parts = candidate.content.parts if candidate and candidate.content else None
    text = "".join(p.text for p in parts or [] if p.text and not p.thought)
    return RawAnswer(
        text=text,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        truncated=candidate is not None
        and candidate.finish_reason == types.FinishReason.MAX_TOKENS,
    )
