"""The monitor in the mesh: stats from every service's interceptor and the router, the
model-failure alert from a real model chain against a failing provider, and a killed
monitor that changes nothing for callers."""

import asyncio
import statistics
import time
from typing import Any

import grpc
from google.protobuf import json_format
from pydantic import BaseModel
from tripmesh.v1 import performance_monitor_service_pb2 as pb
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import PlanTripRequest

from services.llm import LLMSettings, ModelTask, create_model_chain
from services.runtime.reporting import ExecutionReporter
from tests.fakes import FakeOpenAI
from tests.integration.mesh_tools.conftest import ToolsMesh, all_provided, eventually

CONVERT = {"amount": 10, "from": "EUR", "to": "GBP"}
TRIP: dict[str, Any] = {
    "destination": "Porto",
    "startDate": "2027-06-01",
    "days": 2,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": "1500"},
    "interests": ["food"],
}


def monitor_stub(mesh: ToolsMesh) -> pm_grpc.PerformanceMonitorServiceStub:
    return pm_grpc.PerformanceMonitorServiceStub(
        grpc.insecure_channel(mesh.address("performance-monitor"))
    )


def stats_of(mesh: ToolsMesh, service: str) -> dict[str, pb.ExecutionStats]:
    reply = monitor_stub(mesh).GetStats(
        pb.GetStatsRequest(window=pb.STATS_WINDOW_FIVE_MINUTES, service=service), timeout=5
    )
    return {s.subject: s for s in reply.stats}


def test_routed_calls_show_in_the_stats_of_router_tools_and_providers(
    tools_mesh: ToolsMesh,
) -> None:
    before = stats_of(tools_mesh, "tripmesh-task-router").get(
        "/tripmesh.v1.TaskRouterService/RouteTask"
    )
    count_before = before.count if before else 0
    router = tools_mesh.router()
    for _ in range(20):
        router.route("guide.phrases", {"language": "fr", "limit": 2})

    def routed() -> tuple[dict[str, pb.ExecutionStats], dict[str, pb.ExecutionStats]] | None:
        # Router and guide report on their own schedules: wait for both.
        stats = stats_of(tools_mesh, "tripmesh-task-router")
        guide = stats_of(tools_mesh, "tripmesh-guide")
        route = stats.get("/tripmesh.v1.TaskRouterService/RouteTask")
        invoked = guide.get("/tripmesh.v1.ToolService/InvokeTool")
        done = route and route.count >= count_before + 20 and invoked and invoked.count >= 20
        return (stats, guide) if done else None

    (stats, guide), _ = eventually(routed, timeout=10)
    route = stats["/tripmesh.v1.TaskRouterService/RouteTask"]
    assert 0 < route.p50.ToNanoseconds() <= route.p95.ToNanoseconds() <= route.p99.ToNanoseconds()
    assert route.p99.ToNanoseconds() < 2e9
    assert guide["tools/guide.phrases"].kind == pb.EXECUTION_KIND_TOOL
    assert guide["tools/guide.phrases"].count >= 20
    assert guide["/tripmesh.v1.ToolService/InvokeTool"].kind == pb.EXECUTION_KIND_RPC


class Answer(BaseModel):
    city: str


def task() -> ModelTask[Answer]:
    return ModelTask(
        name="draft_itinerary",
        schema=Answer,
        variables={"city": "Lisbon", "days": 1},
        offline=lambda: Answer(city="offline"),
        check=lambda answer: [],
    )


async def test_a_failing_model_provider_fires_the_alert_and_it_resolves(
    tools_mesh: ToolsMesh,
) -> None:
    """The LLM chain's on_call hook feeds the reporter, as the agents wire it."""
    async with grpc.aio.insecure_channel(tools_mesh.address("performance-monitor")) as channel:
        stub = pm_grpc.PerformanceMonitorServiceStub(channel)
        reporter = ExecutionReporter("tripmesh-planner", interval=0.1)
        reporter.instance_id = "planner-test"

        async def send(request: pb.RecordExecutionsRequest) -> None:
            await stub.RecordExecutions(request, timeout=2)

        reporter.use_sink(send)
        await reporter.start()
        watch = stub.WatchAlerts(pb.WatchAlertsRequest(include_current=True))
        # The stream is read by a task of its own: waiting on a queue with a timeout never
        # cancels a read, which would end the watch.
        model_alerts: asyncio.Queue[pb.Alert] = asyncio.Queue()

        async def pump() -> None:
            async for change in watch:
                if change.alert.rule == "model_failure_rate":
                    model_alerts.put_nowait(change.alert)

        pumping = asyncio.create_task(pump())

        async def next_model_alert(timeout: float) -> pb.Alert | None:
            try:
                return await asyncio.wait_for(model_alerts.get(), timeout)
            except TimeoutError:
                return None

        with FakeOpenAI() as fake:  # answers 500 to everything until told otherwise
            settings = LLMSettings(
                models="openai:gpt-4.1-mini,offline",
                OPENAI_API_KEY="test-key",
                OPENAI_BASE_URL=fake.base_url,
                llm_backoff_base=0.01,
                llm_backoff_cap=0.02,
                llm_breaker_cooldown=0.2,
                # Every call tries the provider: with its breaker open, calls would be only
                # the offline fallback's successes, and the rate could not rise.
                llm_breaker_failures=1_000_000,
                llm_cache_size=0,
            )
            chain = create_model_chain(settings, on_call=reporter.on_model_call)
            try:
                # The rule's rate is over every model call in its window, the shared mesh's
                # offline trips included: fail in rounds of a quarter of those until the alert
                # fires (a batch of records a loaded machine loses is made up by the next).
                earlier = await model_calls_in_window(stub)
                batch = max(5, earlier // 4)
                fired, failed = None, 0
                for _ in range(20):
                    for _ in range(batch):
                        assert (await chain.run(task())).value.city == "offline"  # fell back
                    failed += batch
                    if (fired := await next_model_alert(0.5)) is not None:
                        break
                assert fired is not None
                assert fired.state == pb.ALERT_STATE_FIRING
                assert fired.name == "alerts/model_failure_rate"

                fake.default = FakeOpenAI.answer({"city": "Lisbon"})
                resolved = None
                for _ in range(100):
                    await asyncio.sleep(0.05)
                    for _ in range(max(1, (earlier + failed) // 10)):
                        await chain.run(task())
                    alerts = await stub.ListAlerts(pb.ListAlertsRequest())
                    if not any(a.rule == "model_failure_rate" for a in alerts.alerts):
                        resolved = await next_model_alert(10)
                        break
                assert resolved is not None
                assert resolved.state == pb.ALERT_STATE_RESOLVED
            finally:
                watch.cancel()
                pumping.cancel()
                await asyncio.gather(pumping, return_exceptions=True)
                await chain.aclose()
                await reporter.stop()
    stats = stats_of(tools_mesh, "tripmesh-planner")
    assert stats["openai:gpt-4.1-mini"].kind == pb.EXECUTION_KIND_MODEL
    assert stats["openai:gpt-4.1-mini"].error_count > 0


async def model_calls_in_window(stub: pm_grpc.PerformanceMonitorServiceStub) -> int:
    """Model calls the monitor holds in the alert rules' five-minute window."""
    reply = await stub.GetStats(
        pb.GetStatsRequest(window=pb.STATS_WINDOW_FIVE_MINUTES, kind=pb.EXECUTION_KIND_MODEL),
        timeout=5,
    )
    return sum(stats.count for stats in reply.stats)


def timed_calls(mesh: ToolsMesh, count: int) -> list[float]:
    router = mesh.router()
    durations = []
    for _ in range(count):
        began = time.perf_counter()
        router.route("currency.convert", CONVERT, timeout=5)  # raises on failure
        durations.append(time.perf_counter() - began)
    return durations


def timed_trips(mesh: ToolsMesh, count: int) -> list[float]:
    stub = OrchestratorServiceStub(grpc.insecure_channel(mesh.address("orchestrator")))
    durations = []
    for _ in range(count):
        began = time.perf_counter()
        trip = stub.PlanTrip(json_format.ParseDict(TRIP, PlanTripRequest()), timeout=60)
        durations.append(time.perf_counter() - began)
        assert len(trip.itinerary.days) == TRIP["days"]
    return durations


def test_a_killed_monitor_changes_nothing_for_callers(tools_mesh: ToolsMesh) -> None:
    timed_calls(tools_mesh, 10)
    timed_trips(tools_mesh, 1)  # warm
    calls_with = statistics.median(timed_calls(tools_mesh, 40))
    trips_with = statistics.median(timed_trips(tools_mesh, 5))
    tools_mesh.kill("performance-monitor")
    try:
        calls_without = statistics.median(timed_calls(tools_mesh, 40))  # raise on any failure
        trips_without = statistics.median(timed_trips(tools_mesh, 5))
    finally:
        tools_mesh.start("performance-monitor").wait_serving()
    assert calls_without <= calls_with * 1.5 + 0.003, (calls_with, calls_without)
    assert trips_without <= trips_with * 1.5 + 0.02, (trips_with, trips_without)
    eventually(lambda: all_provided(tools_mesh), timeout=10)
