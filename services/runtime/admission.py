"""Overload control at the server: every tripmesh RPC takes a slot of the process's adaptive
limit (overload.py) or is refused at once.

Health, reflection and long-lived Watch streams are never limited: a probe must
see an overloaded server as alive, and a watcher holds no CPU while it waits.
Only unary calls teach the limit (a stream's duration is not its cost). It is the
outermost step of the server pipeline (pipeline.py): a refused call costs no span,
metric or report, and is counted in tripmesh_overload_refused_total instead.
"""

from typing import Any

import grpc
from prometheus_client import Counter

from services.runtime import errors
from services.runtime.interceptors import abort_with
from services.runtime.overload import Admission

REFUSED = Counter(
    "tripmesh_overload_refused_total",
    "Calls refused by overload control, by reason (OVERLOADED, DEADLINE_TOO_SHORT).",
    ["grpc_method", "reason"],
)


def limited(method: str) -> bool:
    """Whether calls of `method` take a slot: tripmesh's own, Watch streams aside."""
    return method.startswith("/tripmesh.") and not method.rpartition("/")[2].startswith("Watch")


async def enter(
    admission: Admission, method: str, context: grpc.aio.ServicerContext[Any, Any], domain: str
) -> float:
    """Admits the call into a slot (returns when it started), or ends it with
    RESOURCE_EXHAUSTED and a RetryInfo (DEADLINE_EXCEEDED when the time left cannot cover it)."""
    try:
        return await admission.enter(method, context.time_remaining())
    except errors.TripmeshError as refused:
        REFUSED.labels(method, refused.reason).inc()
        await abort_with(context, refused.to_status(domain))
        raise  # abort_with has raised already; this keeps the type checker informed
