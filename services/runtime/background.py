"""Background work of a service: started once the server starts, cancelled when it stops."""

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any

from services.runtime.server import ServiceContext


def run_while_serving(
    context: ServiceContext[Any], work: Callable[[], Coroutine[Any, Any, None]], name: str
) -> None:
    """Runs `work()` as a task from start until stop. Stop hooks run in reverse, so the
    task is cancelled before whatever was registered ahead of it (a store) closes."""
    task: asyncio.Task[None] | None = None

    async def start() -> None:
        nonlocal task
        task = asyncio.get_running_loop().create_task(work(), name=name)

    async def stop() -> None:
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    context.on_start.append(start)
    context.on_stop.append(stop)
