"""OpenTelemetry metrics for the process, exported beside the Prometheus endpoint.

Prometheus stays the scrape target; the OpenTelemetry instruments (the model chain's GenAI
histograms) are exported over OTLP when tracing is (OTEL_EXPORTER_OTLP_ENDPOINT, or
TRIPMESH_TRACING=otlp), printed with TRIPMESH_TRACING=console, and cost nothing otherwise.
"""

import logging
from typing import TYPE_CHECKING

from opentelemetry import metrics

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics.export import MetricExporter

logger = logging.getLogger(__name__)
_configured = False


def configure_otel_metrics(service_name: str, mode: str, otlp_endpoint: str) -> None:
    """Installs the process's meter provider once, when there is somewhere to export to."""
    global _configured
    if _configured:
        return
    _configured = True
    if not (mode in ("otlp", "console") or (not mode and otlp_endpoint)):
        return  # the API's no-op meters: nothing recorded, nothing exported
    # Imported here: the SDK's metrics are a MB or so that a process exporting none is spared.
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import (
        ConsoleMetricExporter,
        PeriodicExportingMetricReader,
    )
    from opentelemetry.sdk.resources import Resource

    exporter: MetricExporter
    if mode == "otlp" or (not mode and otlp_endpoint):
        # Imported here: the exporter pulls in its own gRPC stack, unneeded when off.
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter()
    else:
        exporter = ConsoleMetricExporter()
    reader = PeriodicExportingMetricReader(exporter)
    resource = Resource.create({"service.name": service_name})
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=[reader]))
    logger.info("OpenTelemetry metrics: %s export", "console" if mode == "console" else "OTLP")
