"""Prometheus metrics of the gRPC servers, and the metrics endpoint.

grpc.aio has no maintained Prometheus interceptor (py-grpc-prometheus is
sync-only), so the server pipeline (pipeline.py) feeds these.
"""

import logging
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app
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


def serve_metrics(host: str, port: int, ready: Callable[[], bool] = lambda: True) -> int:
    """Serves /metrics, /healthz and /readyz on a background thread; returns the bound port.

    Plain HTTP, whatever the gRPC port speaks: kubelet probes cannot speak mTLS, so with
    TLS on they read the server's state here (`ready`: the overall health is SERVING).
    """
    server = make_server(host, port, _app(ready), _server_class(host), _QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    bound = int(server.server_address[1])
    logger.info("metrics on http://%s:%d/metrics", host, bound)
    return bound


def _app(ready: Callable[[], bool]) -> Any:
    metrics = make_wsgi_app(EXPORTED)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in ("/healthz", "/readyz"):
            return metrics(environ, start_response)  # type: ignore[no-any-return]
        serving = path == "/healthz" or ready()  # alive while this answers; ready when SERVING
        body = b"SERVING\n" if serving else b"NOT_SERVING\n"
        start_response(
            "200 OK" if serving else "503 Service Unavailable",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def _server_class(host: str) -> type[WSGIServer]:
    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    return Server


class _QuietHandler(WSGIRequestHandler):
    """No line per request on stderr (probes and scrapes come every few seconds)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass
