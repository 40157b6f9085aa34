"""The gateway's ASGI application."""

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def healthz(request: Request) -> Response:
    """The gateway itself is up."""
    return JSONResponse({"status": "SERVING"})


async def metrics(request: Request) -> Response:
    """Prometheus metrics of the gateway process."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def create_app() -> Starlette:
    """The gateway: health and metrics (transcoding arrives with issue #4)."""
    return Starlette(routes=[Route("/healthz", healthz), Route("/metrics", metrics)])
