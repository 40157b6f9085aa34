"""Tracing export, checked at its wire: an OTLP receiver (a gRPC server built from
opentelemetry-proto's collector trace service) gets one trip's spans from every service it
crossed, all under the trace id the trip records; and spans from the performance monitor,
which the trip does not cross (the services' records reach it later, in batches of their own)."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from tests.support.meshes import trip_request
from tests.support.processes import MeshProcess, base_env

pytestmark = pytest.mark.slow

TRIP_SERVICES = {
    "tripmesh-gateway",
    "tripmesh-orchestrator",
    "tripmesh-planner",
    "tripmesh-budget",
    "tripmesh-guide",
    "tripmesh-task-router",
    "tripmesh-tool-registry",
}


class Receiver(trace_service_pb2_grpc.TraceServiceServicer):
    """Keeps (service.name, trace id, span name) of every span exported to it."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, str]] = []

    async def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: Any
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        for resource_spans in request.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            service = attributes.get("service.name", "")
            for scope in resource_spans.scope_spans:
                self.spans += [(service, s.trace_id.hex(), s.name) for s in scope.spans]
        return trace_service_pb2.ExportTraceServiceResponse()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, int]]:
    server = grpc.aio.server()
    found = Receiver()
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(found, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield found, port
    await server.stop(0)


async def test_one_trips_spans_from_every_service_under_one_trace_id(
    receiver: tuple[Receiver, int], tmp_path: Path
) -> None:
    spans, port = receiver
    env = base_env(
        tmp_path,
        TRIPMESH_TRACING="otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{port}",
        OTEL_EXPORTER_OTLP_INSECURE="true",
        OTEL_BSP_SCHEDULE_DELAY="200",  # ms between exports, so that the test waits little
    )
    mesh = await asyncio.to_thread(MeshProcess(env).start, tmp_path / "up.log")
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            reply = await http.post(
                f"{mesh.gateway_url}/v1/trips:plan", json=trip_request("Porto", 2, 900)
            )
        trace_id = reply.json()["traceId"]
        for _ in range(60):
            services = {service for service, trace, _ in spans.spans if trace == trace_id}
            if services >= TRIP_SERVICES:
                break
            await asyncio.sleep(0.5)
        assert services >= TRIP_SERVICES, sorted(services)
        names = {name for _, trace, name in spans.spans if trace == trace_id}
        assert "/tripmesh.v1.PlannerService/DraftItinerary" in names

        monitor = "tripmesh-performance-monitor"
        record = "/tripmesh.v1.PerformanceMonitorService/RecordExecutions"
        for _ in range(60):
            recorded = {name for service, _, name in spans.spans if service == monitor}
            if record in recorded:
                break
            await asyncio.sleep(0.5)
        assert record in recorded, recorded
    finally:
        await asyncio.to_thread(mesh.stop)
