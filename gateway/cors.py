"""CORS from an allow-list (TRIPMESH_CORS_ORIGINS); with none, no CORS headers at all."""

from typing import Any

from starlette.middleware.cors import CORSMiddleware

# Request headers a browser may send: the edge's own, and content negotiation.
ALLOWED_HEADERS = [
    "authorization",
    "content-type",
    "grpc-timeout",
    "x-api-key",
    "x-request-id",
    "x-request-timeout",
    "traceparent",
    "tracestate",
]
EXPOSED_HEADERS = ["x-request-id", "retry-after"]


def origins(text: str) -> list[str]:
    return [o.strip().rstrip("/") for o in text.split(",") if o.strip()]


def with_cors(app: Any, allowed_origins: list[str], methods: list[str]) -> Any:
    """`app` behind Starlette's (pure ASGI) CORS middleware, or `app` itself without origins."""
    if not allowed_origins:
        return app
    return CORSMiddleware(
        app,
        allow_origins=allowed_origins,
        allow_methods=sorted({*methods, "OPTIONS"}),
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        allow_credentials=False,  # keys travel in headers, never cookies
        max_age=600,
    )
