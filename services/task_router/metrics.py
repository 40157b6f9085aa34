"""Prometheus series of the router: calls per instance and outcome, ejections."""

from prometheus_client import Counter, Gauge

CALLS = Counter(
    "tripmesh_router_calls_total",
    "Provider calls made by the router, by tool, instance and gRPC code.",
    ["tool", "service", "instance", "code"],
)
FAILOVERS = Counter(
    "tripmesh_router_failovers_total", "Calls retried on another instance.", ["tool"]
)
EJECTIONS = Counter(
    "tripmesh_router_ejections_total", "Times an instance was ejected.", ["instance", "endpoint"]
)
EJECTED = Gauge(
    "tripmesh_router_ejected",
    "1 while an instance is ejected (consecutive failures), else 0.",
    ["instance", "endpoint"],
)
