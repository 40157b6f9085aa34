"""The gateway reports each API request to the performance monitor as an execution of
`tripmesh-gateway`: its route, the gRPC code it answered or relayed, in the request's trace
(the one the upstream continues); not /healthz, /metrics, the pages nor unmatched paths."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from tripmesh.v1 import performance_monitor_service_pb2 as pm_pb2

from gateway.app import create_app
from tests.integration.gateway.support import Probe, endpoints, serving
from tests.support.settings import load_settings

SSE = {"accept": "text/event-stream"}


@pytest.fixture(scope="module", autouse=True)
def tracing() -> None:
    """Spans recorded, as `tripmesh serve` has them (configure_tracing): the process's tracer
    provider, set once (another module may have set it first)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())


class Caught:
    """The batches the gateway's reporter sends, caught instead of sent to a monitor."""

    def __init__(self) -> None:
        self.records: list[pm_pb2.ExecutionRecord] = []
        self._batch = asyncio.Condition()

    async def sink(self, request: pm_pb2.RecordExecutionsRequest) -> None:
        async with self._batch:
            self.records.extend(request.records)
            self._batch.notify_all()

    async def at_least(self, count: int) -> list[pm_pb2.ExecutionRecord]:
        async with asyncio.timeout(5), self._batch:
            await self._batch.wait_for(lambda: len(self.records) >= count)
        return self.records


@asynccontextmanager
async def reporting_gateway(
    port: int, caught: Caught, **settings: object
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway before the probe, reporting every 50 ms to `caught`."""
    app = create_app(
        load_settings(endpoints=endpoints(orchestrator=port), report_interval=0.05, **settings)
    )
    app.reporter.use_sink(caught.sink)
    async with serving(app) as client:
        yield client


async def test_each_api_request_is_an_execution_of_the_gateway_in_its_trace(
    probe: tuple[Probe, int],
) -> None:
    caught = Caught()
    async with reporting_gateway(probe[1], caught) as gateway:
        for path in ("/healthz", "/metrics", "/v1/nothing", "/mesh"):  # none reported
            await gateway.get(path)
        assert (await gateway.post("/v1/trips:plan", json={"destination": "Lisbon"})).is_success
        plan = (await caught.at_least(1))[0]
        assert (plan.service, plan.method, plan.code, plan.kind) == (
            "tripmesh-gateway",
            "POST /v1/trips:plan",
            "OK",
            pm_pb2.EXECUTION_KIND_RPC,
        )
        # the trace the upstream continued: the gateway's span is the request's root
        traceparent = probe[0].metadata[-1]["traceparent"]
        assert traceparent.split("-")[1] == plan.trace_id
        assert 0 < plan.duration.ToNanoseconds() < 5e9
        assert plan.start_time.seconds > 0

        # errors keep their gRPC code, whatever the HTTP status says
        assert (await gateway.get("/v1/trips/unknown")).status_code == 404
        busy = await gateway.post("/v1/trips:plan", json={"destination": "busy"})
        assert busy.status_code == 429
        failed = await gateway.post("/v1/trips:stream", json={"destination": "fail"}, headers=SSE)
        assert failed.status_code == 200  # failed after the stream began
        records = await caught.at_least(4)
    assert [(r.method, r.code) for r in records] == [
        ("POST /v1/trips:plan", "OK"),
        ("GET /v1/{name=trips/*}", "NOT_FOUND"),
        ("POST /v1/trips:plan", "RESOURCE_EXHAUSTED"),
        ("POST /v1/trips:stream", "UNAVAILABLE"),
    ]
    assert len({r.trace_id for r in records}) == 4  # one trace per request


async def test_nothing_is_reported_with_performance_monitoring_off(
    probe: tuple[Probe, int],
) -> None:
    caught = Caught()
    settings = {"enable_performance_monitoring": False}
    async with reporting_gateway(probe[1], caught, **settings) as gateway:
        assert (await gateway.post("/v1/trips:plan", json={"destination": "Lisbon"})).is_success
        await asyncio.sleep(0.2)  # four intervals
    assert caught.records == []
