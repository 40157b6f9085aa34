"""Runs the gateway on uvicorn (`tripmesh serve gateway`)."""

import asyncio
import logging

import uvicorn

from gateway.app import create_app
from registry import known_service
from services.runtime.logs import configure_logging
from services.runtime.settings import Settings

SERVICE = known_service("gateway")
logger = logging.getLogger(__name__)


def uvicorn_config(settings: Settings) -> uvicorn.Config:
    port = settings.port if settings.port is not None else SERVICE.port
    return uvicorn.Config(
        create_app(),
        host=settings.host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.grace_period) or None,
        lifespan="on",
    )


def run(settings: Settings) -> int:
    """Serves until SIGTERM or SIGINT; uvicorn drains open requests before it exits."""
    configure_logging(SERVICE.discovery_name, settings.log_level)
    server = uvicorn.Server(uvicorn_config(settings))
    asyncio.run(server.serve())
    return 0
