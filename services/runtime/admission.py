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
from prometheus_client import Counter, Gauge

from services.runtime import errors
from services.runtime.overload import Admission

REFUSED = Counter(
    "tripmesh_overload_refused_total",
    "Calls refused by overload control, by reason (OVERLOADED, DEADLINE_TOO_SHORT).",
    ["grpc_method", "reason"],
)


LIMIT = Gauge("tripmesh_overload_limit", "Calls the adaptive limit lets run at once now.")
IN_PROGRESS = Gauge("tripmesh_overload_in_progress", "Calls holding a slot of the limit.")
QUEUED = Gauge("tripmesh_overload_queued", "Calls waiting for a slot.")


def exported(admission: Admission) -> Admission:
    """`admission`, its limit, calls in progress and queue read by the metrics (when scraped,
    nothing on the request path); a process exports the one limit of its server."""
    LIMIT.set_function(lambda: admission.limit.limit)
    IN_PROGRESS.set_function(lambda: admission.inflight)
    QUEUED.set_function(lambda: admission.queued)
    return admission


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
        status, counted = _refusal(refused, method, domain)
        counted.inc()
        await context.abort(status.code, status.details, status.trailing_metadata)
        raise  # abort has raised already; this keeps the type checker informed


_refusals: dict[tuple[object, ...], tuple[grpc.Status, Counter]] = {}
MAX_REFUSALS_KEPT = 256


def _refusal(
    refused: errors.TripmeshError, method: str, domain: str
) -> tuple[grpc.Status, Counter]:
    """The status and counter of a refusal, built once for each distinct refusal.

    Under overload, refusing is most of what a server does, so its cost caps what is left
    for admitted calls: the rich status (ErrorInfo, RetryInfo) costs more to build than
    the rest of the refusal, and repeats (same method, reason, limit and retry delay).
    """
    key = (
        type(refused),
        refused.message,
        refused.reason,
        refused.retry_after,
        tuple(refused.metadata.items()),
        method,
        domain,
    )
    kept = _refusals.get(key)
    if kept is None:
        if len(_refusals) >= MAX_REFUSALS_KEPT:
            _refusals.clear()  # a bound on what distinct refusals can cost in memory
        status = errors.to_grpc_status(refused.to_status(domain))
        kept = _refusals[key] = (status, REFUSED.labels(method, refused.reason))
    return kept
