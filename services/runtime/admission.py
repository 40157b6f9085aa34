"""The server interceptor of overload control: every tripmesh RPC takes a slot of the
process's adaptive limit (overload.py) or is refused at once.

Health, reflection and long-lived Watch streams are never limited: a probe must
see an overloaded server as alive, and a watcher holds no CPU while it waits.
Only unary calls teach the limit (a stream's duration is not its cost). The
interceptor is the outermost one: a refused call costs no span, metric or report,
and is counted in tripmesh_overload_refused_total instead.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
from prometheus_client import Counter

from services.runtime import errors
from services.runtime.interceptors import ScopeInterceptor, abort_with
from services.runtime.overload import Admission

REFUSED = Counter(
    "tripmesh_overload_refused_total",
    "Calls refused by overload control, by reason (OVERLOADED, DEADLINE_TOO_SHORT).",
    ["grpc_method", "reason"],
)


class OverloadInterceptor(ScopeInterceptor):
    """Admits a call into a slot, or ends it with RESOURCE_EXHAUSTED and a RetryInfo
    (DEADLINE_EXCEEDED when the time left cannot cover it)."""

    def __init__(self, admission: Admission, domain: str) -> None:
        self.admission = admission
        self._domain = domain

    def applies_to(self, method: str) -> bool:
        return method.startswith("/tripmesh.") and not method.rpartition("/")[2].startswith("Watch")

    @asynccontextmanager
    async def scope(
        self, method: str, rpc_type: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[None]:
        try:
            started = await self.admission.enter(method, context.time_remaining())
        except errors.TripmeshError as refused:
            REFUSED.labels(method, refused.reason).inc()
            await abort_with(context, refused.to_status(self._domain))
            raise  # abort_with has raised already; this keeps the type checker informed
        completed = False
        try:
            yield
            completed = True
        finally:
            self.admission.leave(method, started, completed and rpc_type == "unary")
