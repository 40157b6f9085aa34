"""OpenTelemetry metrics for the process, exported beside the Prometheus endpoint.

Prometheus stays the scrape target; the OpenTelemetry instruments (the model chain's GenAI
histograms) are exported over OTLP when tracing is (OTEL_EXPORTER_OTLP_ENDPOINT, or
TRIPMESH_TRACING=otlp), printed with TRIPMESH_TRACING=console, and cost nothing otherwise.
"""

import logging

from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource

logger = logging.getLogger(__name__)
_configured = False


def configure_otel_metrics(service_name: str, mode: str, otlp_endpoint: str) -> None:
    """Installs the process's meter provider once, when there is somewhere to export to."""
    global _configured
    if _configured:
        return
    _configured = True
    exporter: MetricExporter
    if mode == "otlp" or (not mode and otlp_endpoint):
        # Imported here: the exporter pulls in its own gRPC stack, unneeded when off.
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter()
    elif mode == "console":
        exporter = ConsoleMetricExporter()
    else:
        return  # the API's no-op meters: nothing recorded, nothing exported
    reader = PeriodicExportingMetricReader(exporter)
    resource = Resource.create({"service.name": service_name})
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
    logger.info("OpenTelemetry metrics: %s export", "console" if mode == "console" else "OTLP")
