"""Prometheus metrics of the gateway; `route` is the template, never the raw path."""

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("http_requests_total", "HTTP requests answered.", ["route", "method", "status"])
DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request (a stream: until it ends).",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
IN_FLIGHT = Gauge("http_requests_in_flight", "HTTP requests being answered.")


# The children of each label set, looked up once: `labels()` validates and locks on every
# call, a tenth of the gateway's own work on a cheap request. Bounded as the metrics are.
_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            REQUESTS.labels(route, method, str(status)),
            DURATION.labels(route, method),
        )
    children[0].inc()
    children[1].observe(seconds)
