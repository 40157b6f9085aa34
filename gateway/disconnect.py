"""Notices a client that goes away while its call runs, so that the call is cancelled."""

import asyncio
from collections.abc import Callable

from gateway.responses import Receive


class DisconnectWatch:
    """Reads ASGI messages until `http.disconnect`, then runs the callbacks.

    Started once the body is read: from then on the next message is
    `http.disconnect`, when the client leaves (uvicorn also sends it once the
    response is complete; by then the call is over and cancelling it does
    nothing).
    """

    def __init__(self, receive: Receive) -> None:
        self._task = asyncio.ensure_future(self._wait(receive))

    @staticmethod
    async def _wait(receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    def on_disconnect(self, callback: Callable[[], object]) -> None:
        def run(task: "asyncio.Future[None]") -> None:
            if not task.cancelled() and task.exception() is None:
                callback()

        self._task.add_done_callback(run)

    @property
    def disconnected(self) -> bool:
        task = self._task
        return task.done() and not task.cancelled() and task.exception() is None

    def close(self) -> None:
        self._task.cancel()
