"""What the gateway knows of one HTTP request, shared by its middleware and endpoint."""

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from gateway.auth import ApiKey
from gateway.router import RouteMatch
from services.runtime.logs import correlation_id

SCOPE_KEY = "tripmesh.exchange"
# Paths beside /v1 that serve the API, under the same keys and limits.
API_PATHS = frozenset({"/mcp"})
UNMATCHED = "unmatched"  # route label of a path no route matches, never the raw path


@dataclass
class Exchange:
    """One request: its headers, id, route and what became of it."""

    method: str
    raw_path: str
    headers: dict[str, str]
    request_id: str
    label: str = UNMATCHED
    match: RouteMatch | None = None
    client: str = ""  # API key id, or client IP without keys
    key: ApiKey | None = None  # the key presented, once checked
    status: int = 0  # HTTP status sent (499: the client went away first)
    code: int | None = None  # gRPC code of an error answered or relayed (None: from `status`)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, scope: MutableMapping[str, Any]) -> "Exchange":
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        raw = scope.get("raw_path") or scope["path"].encode()
        return cls(
            method=scope["method"],
            raw_path=raw.decode("latin-1"),
            headers=headers,
            request_id=request_id_of(headers),
        )

    @property
    def is_api(self) -> bool:
        """Whether the request is for the API: /v1, a transcoded route (A2A) or /mcp; keys
        and rate limits apply."""
        path = self.raw_path
        return path.startswith("/v1/") or path == "/v1" or path in API_PATHS or bool(self.match)


def exchange_of(scope: MutableMapping[str, Any]) -> Exchange:
    exchange: Exchange = scope[SCOPE_KEY]
    return exchange


def request_id_of(headers: dict[str, str]) -> str:
    """The caller's X-Request-Id when it is well formed, else a new one (the correlation id)."""
    return correlation_id(headers.get("x-request-id"))
