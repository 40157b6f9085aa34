"""A fake OpenAI-compatible server: POST /v1/chat/completions, scripted per test.

    with FakeOpenAI() as fake:
        fake.push(FakeOpenAI.error(429, retry_after="1"), FakeOpenAI.answer({"city": "Lisbon"}))
        AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
        ...
        assert fake.count() == 2

Routing key: the request's "model" field, so `push(..., key="gpt-4.1-mini")` scripts
one model only. A `json_schema` response format with `strict: true` whose schema breaks
strict mode's rules gets OpenAI's 400, whatever is scripted; a scripted answer that
stops normally but is not JSON, or breaks a strict schema it was asked for, is a 500 naming
the mismatch, since strict mode never gives one (use `json_object` mode to script a model
that strays from the schema, or finish_reason "length" for an answer cut short).
"""

import json
import time
from collections.abc import Mapping
from typing import Any

from tests.fakes.scripted import Call, Reply, ScriptedServer
from tests.fakes.strict_rules import OPENAI, answer_mismatch, strict_violation


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
        spec = _json_schema_format(call.body)
        if spec is None or not spec.get("strict"):
            return None
        problem = strict_violation(spec.get("schema"), OPENAI)
        if problem is None:
            return None
        message = f"Invalid schema for response_format '{spec.get('name')}': {problem}"
        return FakeOpenAI.error(400, message, param="response_format", kind="invalid_request_error")

    def finish(self, call: Call, reply: Reply) -> Reply:
        """Strict mode's promise: an answer that stops normally is JSON of the schema. A
        scripted answer that is not JSON, or breaks the schema, is a 500 naming the mismatch,
        so that a test cannot script an answer strict mode never gives (script text that is
        not JSON in `json_object` mode, or cut short with finish_reason "length")."""
        schema = _strict_schema(call.body)
        body = reply.body
        if schema is None or reply.status != 200 or not isinstance(body, dict):
            return reply
        for choice in body.get("choices", []):
            content = choice.get("message", {}).get("content")
            if choice.get("finish_reason") != "stop" or not isinstance(content, str):
                continue
            mismatch = answer_mismatch(content, schema)
            if mismatch is not None:
                message = f"fake: the scripted answer {mismatch}, which strict mode never gives"
                return Reply(500, {"error": {"message": message, "type": "fake", "code": None}})
        return reply

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


def _json_schema_format(body: Any) -> dict[str, Any] | None:
    """The `json_schema` of a `json_schema` response format, or None."""
    response_format = body.get("response_format") if isinstance(body, dict) else None
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return None
    spec = response_format.get("json_schema")
    return spec if isinstance(spec, dict) else {}


def _strict_schema(body: Any) -> dict[str, Any] | None:
    """The schema strict mode holds the answer to, or None (JSON mode, not strict)."""
    spec = _json_schema_format(body)
    if spec is None or not spec.get("strict") or not isinstance(spec.get("schema"), dict):
        return None
    schema: dict[str, Any] = spec["schema"]
    return schema
