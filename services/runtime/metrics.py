"""Prometheus metrics of the gRPC servers, and the metrics endpoint.

grpc.aio has no maintained Prometheus interceptor (py-grpc-prometheus is
sync-only), so the interceptor in interceptors.py feeds these.
"""

import logging
from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

SERVER_STARTED = Counter(
    "grpc_server_started_total",
    "RPCs started on the server.",
    ["grpc_type", "grpc_service", "grpc_method"],
)
SERVER_HANDLED = Counter(
    "grpc_server_handled_total",
    "RPCs completed on the server, by code.",
    ["grpc_type", "grpc_service", "grpc_method", "grpc_code"],
)
SERVER_HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Time to handle an RPC.",
    ["grpc_type", "grpc_service", "grpc_method"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def split_method(full_method: str) -> tuple[str, str]:
    """Splits "/pkg.Service/Method" into ("pkg.Service", "Method")."""
    service, _, method = full_method.lstrip("/").partition("/")
    return service, method


class NonEmptyFamilies(Collector):
    """The default registry without the families that have no sample yet.

    A labelled series exists only once used: until then its family would be exported as
    a bare HELP/TYPE pair (the gateway's gRPC server families, a counter of failures
    that never happened), which dashboards and alert rules cannot tell from a typo.
    """

    def collect(self) -> Iterator[Metric]:
        return (family for family in REGISTRY.collect() if family.samples)


EXPORTED = NonEmptyFamilies()


def serve_metrics(host: str, port: int) -> int:
    """Serves /metrics on a background thread; returns the bound port."""
    server, _thread = start_http_server(port, addr=host, registry=EXPORTED)
    bound = int(server.server_address[1])
    logger.info("metrics on http://%s:%d/metrics", host, bound)
    return bound
