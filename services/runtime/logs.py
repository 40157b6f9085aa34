"""JSON logs to stdout with service, method, correlation id and trace id on every line.

The correlation id is the caller's X-Request-Id (or one made at the edge), carried
from hop to hop; it is not PlanTripRequest.request_id, the idempotency key of a
trip, which the orchestrator logs as `request_id` on the lines about that trip.
"""

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from typing import Any, TextIO

from opentelemetry import trace

correlation_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "correlation_id", default=""
)
method_var: contextvars.ContextVar[str] = contextvars.ContextVar("method", default="")

# A caller's correlation id is kept when it is short and plain; otherwise a new one is
# made, so that no caller can put arbitrary bytes into every log line of the mesh.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def correlation_id(given: str | None) -> str:
    """`given` if it is a plain id of at most 128 characters, else a new one."""
    if given and _PLAIN_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


_service_name = "tripmesh"
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line.

    Written here rather than taken from python-json-logger: it is twenty lines,
    and the context fields (request, trace) are ours either way.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": _service_name,
        }
        if method := method_var.get():
            entry["method"] = method
        if correlation_id := correlation_id_var.get():
            entry["correlation_id"] = correlation_id
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service_name: str, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Sends every logger's records to stdout (or `stream`) as JSON. Safe to call more than once."""
    global _service_name
    _service_name = service_name
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
