"""A fake OpenAI-compatible server: POST /v1/chat/completions, scripted per test.

    with FakeOpenAI() as fake:
        fake.push(FakeOpenAI.error(429, retry_after="1"), FakeOpenAI.answer({"city": "Lisbon"}))
        AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
        ...
        assert fake.count() == 2

Routing key: the request's "model" field, so `push(..., key="gpt-4.1-mini")` scripts
one model only. A `json_schema` response format with `strict: true` whose schema breaks
strict mode's rules gets OpenAI's 400, whatever is scripted.
"""

import json
import time
from collections.abc import Mapping
from typing import Any

from tests.fakes.scripted import Call, Reply, ScriptedServer
from tests.fakes.strict_rules import OPENAI, strict_violation


class FakeOpenAI(ScriptedServer):
    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL (or AsyncOpenAI(base_url=...)) takes."""
        return f"{self.url}/v1"

    def route(self, method: str, path: str, body: Any) -> str | None:
        if method != "POST" or path.rstrip("/") != "/v1/chat/completions":
            raise LookupError(path)
        model = body.get("model") if isinstance(body, dict) else None
        return str(model) if model is not None else None

    def refuse(self, call: Call) -> Reply | None:
        response_format = call.body.get("response_format") if isinstance(call.body, dict) else None
        if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
            return None
        spec = response_format.get("json_schema") or {}
        if not spec.get("strict"):
            return None
        problem = strict_violation(spec.get("schema"), OPENAI)
        if problem is None:
            return None
        message = f"Invalid schema for response_format '{spec.get('name')}': {problem}"
        return FakeOpenAI.error(400, message, param="response_format", kind="invalid_request_error")

    def __enter__(self) -> "FakeOpenAI":
        self.start()
        return self

    # -- replies --------------------------------------------------------------

    @staticmethod
    def answer(
        content: str | Mapping[str, Any] | None,
        *,
        finish_reason: str = "stop",
        prompt_tokens: int = 100,
        completion_tokens: int = 50,
        refusal: str | None = None,
    ) -> Reply:
        """A chat completion; a mapping `content` is sent as its JSON text."""
        text = json.dumps(content) if isinstance(content, Mapping) else content
        return Reply(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": "fake-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text, "refusal": refusal},
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    @staticmethod
    def content_filter() -> Reply:
        """An answer withheld by the content filter (finish_reason "content_filter")."""
        return FakeOpenAI.answer(None, finish_reason="content_filter", completion_tokens=0)

    @staticmethod
    def too_long(tokens: int = 130_000, maximum: int = 128_000) -> Reply:
        """The 400 of messages longer than the model's context window."""
        return FakeOpenAI.error(
            400,
            f"This model's maximum context length is {maximum} tokens. However, your messages "
            f"resulted in {tokens} tokens. Please reduce the length of the messages.",
            code="context_length_exceeded",
            param="messages",
            kind="invalid_request_error",
        )

    @staticmethod
    def error(
        status: int,
        message: str = "fake error",
        *,
        retry_after: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        param: str | None = None,
        kind: str = "fake_error",
    ) -> Reply:
        """An error in OpenAI's shape; `retry_after` becomes the Retry-After header."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = retry_after
        body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        return Reply(status, body, extra)
