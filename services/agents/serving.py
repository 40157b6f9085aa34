"""What the three agent servers share: their model chain, created once per process,
and the health of its providers."""

import asyncio
import contextlib
import logging
from functools import partial

from grpc_health.v1 import health_pb2

from services.agents.settings import AgentSettings
from services.llm import ModelChain, create_model_chain
from services.runtime.server import ServiceContext
from services.runtime.settings import ServerSettings
from services.travel import warm_up

logger = logging.getLogger(__name__)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
PROVIDERS_CHECK_SECONDS = 2.0


def models_health_name(discovery_name: str) -> str:
    """The health name telling whether remote model providers answer: "tripmesh-planner.models"."""
    return f"{discovery_name}.models"


def install_warm_up(
    context: ServiceContext[ServerSettings], *, places: bool = True, free_text: bool = True
) -> None:
    """Loads the shipped travel data before the service reports SERVING, so that the
    first request is as fast as the next (see services.travel.warm_up)."""

    async def warm() -> None:
        await asyncio.to_thread(partial(warm_up, places=places, free_text=free_text))

    context.on_start.insert(0, warm)


def install_model_chain(context: ServiceContext[AgentSettings]) -> ModelChain:
    """The chain TRIPMESH_MODELS describes, reporting each model call to the monitor,
    closed when the server stops.

    The service itself stays SERVING while every remote provider's breaker is open
    (the offline engine still answers); `<name>.models` turns NOT_SERVING then, so
    that `grpcurl ... Health/Check` and `tripmesh status` say so.
    """
    chain = create_model_chain(
        context.settings, on_call=context.reporter.on_model_call, state=context.state
    )
    watcher: list[asyncio.Task[None]] = []

    async def start() -> None:
        watcher.append(asyncio.create_task(_watch_providers(chain, context)))

    async def stop() -> None:
        for task in watcher:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await chain.aclose()

    context.on_start.append(start)
    context.on_stop.append(stop)
    return chain


async def _watch_providers(chain: ModelChain, context: ServiceContext[ServerSettings]) -> None:
    name = models_health_name(context.service.discovery_name)
    offline_only: bool | None = None
    while True:
        now_offline = chain.offline_only()
        if now_offline != offline_only:
            if now_offline:
                logger.warning("every remote model provider is unavailable: %s", chain.status())
            await context.health.set(name, NOT_SERVING if now_offline else SERVING)
            offline_only = now_offline
        await asyncio.sleep(PROVIDERS_CHECK_SECONDS)
