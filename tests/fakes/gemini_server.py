"""A fake Gemini API: POST /v1[beta]/models/{model}:generateContent, scripted per test.

    with FakeGemini() as fake:
        fake.push(FakeGemini.answer({"city": "Lisbon"}), key="gemini-2.5-flash")
        genai.Client(api_key="test", http_options=types.HttpOptions(base_url=fake.base_url))
        ...

Routing key: the model in the path. A response schema without the JSON MIME type gets
Gemini's 400, whatever is scripted. An answer that stops normally (finishReason STOP) under
a response schema (`responseJsonSchema`, or the OpenAPI-style `responseSchema`) is what
the schema allows, as Gemini's constrained decoding guarantees: a scripted answer that is
not JSON, or breaks the schema, is a 500 naming the mismatch, so that a test cannot script
an answer Gemini never gives (one cut short, finishReason MAX_TOKENS, may be anything).
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from tests.fakes.scripted import Call, Reply, ScriptedServer
from tests.fakes.strict_rules import answer_mismatch

# The SDK's default API version is v1 (GOOGLE_GENAI_API_VERSION=beta picks v1beta); both serve.
_SCHEMA_MIME_TYPES = ("application/json", "text/x.enum")
# Keywords of Gemini's Schema that mean the same in JSON Schema; counts may come as strings
# (int64 in the API's JSON).
_KEPT_KEYWORDS = ("enum", "required", "minimum", "maximum", "pattern")
_COUNT_KEYWORDS = ("minItems", "maxItems", "minLength", "maxLength")
_COUNT_KEYWORDS += ("minProperties", "maxProperties")
_PATH = re.compile(r"^/v1(beta)?/models/(?P<model>[^/:?]+):generateContent(\?.*)?$")


class FakeGemini(ScriptedServer):
    @property
    def base_url(self) -> str:
        """What GEMINI_BASE_URL (or HttpOptions(base_url=...)) takes."""
        return self.url

    def route(self, method: str, path: str, body: Any) -> str | None:
        match = _PATH.match(path)
        if method != "POST" or match is None:
            raise LookupError(path)
        return match["model"]

    def refuse(self, call: Call) -> Reply | None:
        config = call.body.get("generationConfig") if isinstance(call.body, dict) else None
        if not isinstance(config, dict):
            return None
        has_schema = "responseSchema" in config or "responseJsonSchema" in config
        if not has_schema or config.get("responseMimeType") in _SCHEMA_MIME_TYPES:
            return None
        return FakeGemini.error(
            400,
            "* GenerateContentRequest.generation_config.response_mime_type: a response schema "
            "needs response_mime_type application/json or text/x.enum\n",
        )

    def finish(self, call: Call, reply: Reply) -> Reply:
        requested = _requested_schema(call.body)
        body = reply.body
        if requested is None or reply.status != 200 or not isinstance(body, dict):
            return reply
        schema, mime_type = requested
        for candidate in body.get("candidates", []):
            if candidate.get("finishReason") != "STOP":
                continue
            parts = candidate.get("content", {}).get("parts", [])
            text = "".join(p.get("text", "") for p in parts if not p.get("thought"))
            # under text/x.enum the answer is the bare value, not JSON
            mismatch = answer_mismatch(text, schema, as_json=mime_type != "text/x.enum")
            if mismatch is not None:
                return FakeGemini.error(
                    500, f"fake: the scripted answer {mismatch}, which Gemini never gives"
                )
        return reply

    def __enter__(self) -> "FakeGemini":
        self.start()
        return self

    # -- replies --------------------------------------------------------------

    @staticmethod
    def answer(
        content: str | Mapping[str, Any],
        *,
        finish_reason: str = "STOP",
        prompt_tokens: int = 100,
        output_tokens: int = 50,
        thoughts_tokens: int = 0,
    ) -> Reply:
        """A generateContent response; a mapping `content` is sent as its JSON text."""
        text = json.dumps(content) if isinstance(content, Mapping) else content
        usage = {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": prompt_tokens + output_tokens + thoughts_tokens,
        }
        if thoughts_tokens:
            usage["thoughtsTokenCount"] = thoughts_tokens
        candidate = {
            "content": {"role": "model", "parts": [{"text": text}]},
            "finishReason": finish_reason,
            "index": 0,
        }
        return Reply(200, {"candidates": [candidate], "usageMetadata": usage})

    @staticmethod
    def blocked_prompt(reason: str = "SAFETY") -> Reply:
        """The prompt refused outright: promptFeedback.blockReason, no candidates."""
        body = {
            "promptFeedback": {"blockReason": reason},
            "usageMetadata": {"promptTokenCount": 20, "totalTokenCount": 20},
        }
        return Reply(200, body)

    @staticmethod
    def safety_finish() -> Reply:
        """A candidate stopped for safety (finishReason SAFETY), with no text."""
        candidate = {
            "finishReason": "SAFETY",
            "index": 0,
            "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}
            ],
        }
        return Reply(200, {"candidates": [candidate], "usageMetadata": {"promptTokenCount": 20}})

    @staticmethod
    def too_long(tokens: int = 1_200_000, maximum: int = 1_048_576) -> Reply:
        """The 400 of a prompt longer than the model's context window."""
        return FakeGemini.error(
            400,
            f"The input token count ({tokens}) exceeds the maximum number of tokens allowed "
            f"({maximum}).",
        )

    @staticmethod
    def error(
        status: int,
        message: str = "fake error",
        *,
        retry_after: str | None = None,
        retry_delay: str | None = None,
    ) -> Reply:
        """An error in Google's shape; `retry_delay` ("17s") goes into a RetryInfo detail."""
        names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}
        names |= {404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}
        error: dict[str, Any] = {
            "code": status,
            "message": message,
            "status": names.get(status, "INTERNAL"),
        }
        if retry_delay is not None:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
            ]
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return Reply(status, {"error": error}, headers)


def _requested_schema(body: Any) -> tuple[dict[str, Any], str | None] | None:
    """The JSON Schema an answer is held to, and the MIME type it comes in; None without one."""
    config = body.get("generationConfig") if isinstance(body, dict) else None
    if not isinstance(config, dict):
        return None
    mime_type = config.get("responseMimeType")
    if isinstance(config.get("responseJsonSchema"), dict):
        return config["responseJsonSchema"], mime_type
    if isinstance(config.get("responseSchema"), dict):
        return _json_schema_of(config["responseSchema"]), mime_type
    return None


def _json_schema_of(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Gemini's OpenAPI-style Schema ("type": "OBJECT", "nullable") as JSON Schema. Constrained
    decoding never adds a property the schema does not declare, so objects are closed."""
    converted: dict[str, Any] = {}
    kind = schema.get("type")
    if isinstance(kind, str) and kind.upper() != "TYPE_UNSPECIFIED":
        converted["type"] = [kind.lower(), "null"] if schema.get("nullable") else kind.lower()
    converted |= {keyword: schema[keyword] for keyword in _KEPT_KEYWORDS if keyword in schema}
    converted |= {key: int(schema[key]) for key in _COUNT_KEYWORDS if key in schema}
    if "enum" in converted and schema.get("nullable"):
        converted["enum"] = [*converted["enum"], None]
    if isinstance(schema.get("properties"), dict):
        converted["properties"] = {k: _json_schema_of(v) for k, v in schema["properties"].items()}
        converted["additionalProperties"] = False
    if isinstance(schema.get("items"), dict):
        converted["items"] = _json_schema_of(schema["items"])
    if isinstance(schema.get("anyOf"), list):
        converted["anyOf"] = [_json_schema_of(option) for option in schema["anyOf"]]
    return converted
