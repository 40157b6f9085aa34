"""The agents' own work goes through the mesh's tools: the budget prices with the router's
`currency.convert`, the guide takes its season and phrases from `guide.season` and
`guide.phrases`; with the router stopped both still answer, locally, and say so.

Real processes: tool registry, task router, monitor, budget and guide on free ports.
"""

import asyncio
from collections.abc import Iterator

import grpc
import pytest
from google.type import money_pb2
from prometheus_client.parser import text_string_to_metric_families
from tripmesh.v1 import (
    budget_service_pb2,
    budget_service_pb2_grpc,
    guide_service_pb2,
    guide_service_pb2_grpc,
    trip_pb2,
)
from tripmesh.v1 import performance_monitor_service_pb2 as monitor_pb2
from tripmesh.v1 import performance_monitor_service_pb2_grpc as monitor_grpc

from services.agents.model_runner import OfflineRunner
from services.agents.protos import budget_to_proto, itinerary_from_proto, itinerary_to_proto
from services.budget.estimator import BudgetEstimator
from services.guardrails import parse_trip_request
from services.planner.planner import Planner
from tests.integration.mesh_tools.conftest import ToolsMesh, eventually, providers_of
from tests.support.processes import ServiceProcess, base_env

MEMBERS = ("performance-monitor", "tool-registry", "task-router", "budget", "guide")
AGENT_TOOLS = ("currency.convert", "cost.daily_estimate", "guide.season", "guide.phrases")
# A GBP budget for Lisbon: activities in EUR and the cost table in USD, so two pairs to fetch.
TRIP = trip_pb2.PlanTripRequest(
    destination="Lisbon, Portugal",
    start_date="2027-06-10",
    days=3,
    travelers=2,
    budget=money_pb2.Money(currency_code="GBP", units=1500),
    interests=["food", "history"],
)
PAIRS = 2


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ToolsMesh]:
    data_dir = tmp_path_factory.mktemp("agents-tools")
    members = {name: ServiceProcess(name, {}) for name in MEMBERS}
    env = base_env(
        data_dir,
        TRIPMESH_ENDPOINTS=",".join(f"{p.name}={p.address}" for p in members.values()),
        TRIPMESH_TOOL_HEARTBEAT_INTERVAL="0.5",
        TRIPMESH_REPORT_INTERVAL="0.2",
        TRIPMESH_ROUTER_TOOL_CACHE_TTL="0.5",
        TRIPMESH_TOOL_RESULT_TTL="0",  # every call goes to the router, as these tests count them
        TRIPMESH_GRACE_PERIOD="1",
    )
    tools_mesh = ToolsMesh(data_dir, env, members)
    try:
        for name in MEMBERS:
            tools_mesh.start(name)
        for process in tools_mesh.members.values():
            process.wait_serving(60)
        eventually(lambda: all_agent_tools(tools_mesh), timeout=60)  # registered once warm
        yield tools_mesh
    finally:
        tools_mesh.stop()


def all_agent_tools(mesh: ToolsMesh) -> bool:
    try:
        providers = providers_of(mesh)
    except grpc.RpcError:
        return False
    return all(providers.get(f"tools/{tool}") for tool in AGENT_TOOLS)


@pytest.fixture(scope="module")
def itinerary() -> trip_pb2.Itinerary:
    """Drafted in process: the planner is not what these tests are about."""
    request, _ = parse_trip_request(TRIP)
    planned = asyncio.run(Planner(OfflineRunner()).draft(request)).value
    return itinerary_to_proto(planned)


@pytest.fixture(scope="module")
def local_total(itinerary: trip_pb2.Itinerary) -> money_pb2.Money:
    """The estimate's total priced in process with services.travel.fx."""
    request, _ = parse_trip_request(TRIP, resolve=False)
    planned = itinerary_from_proto(itinerary, request)
    estimate = asyncio.run(BudgetEstimator(OfflineRunner()).estimate(request, planned)).value
    return budget_to_proto(estimate).total


def routed_calls(mesh: ToolsMesh, tool: str) -> float:
    """The router's successful provider calls of `tool`, over every instance."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(mesh.metrics("task-router"))
        for sample in family.samples
        if sample.name == "tripmesh_router_calls_total"
        and sample.labels["tool"] == f"tools/{tool}"
        and sample.labels["code"] == "OK"
    )


def stats_of(mesh: ToolsMesh, service: str) -> dict[str, monitor_pb2.ExecutionStats]:
    """The monitor's five-minute stats of `service`, by subject (method, tool, model)."""
    with grpc.insecure_channel(mesh.address("performance-monitor")) as channel:
        reply = monitor_grpc.PerformanceMonitorServiceStub(channel).GetStats(
            monitor_pb2.GetStatsRequest(
                window=monitor_pb2.STATS_WINDOW_FIVE_MINUTES, service=service
            ),
            timeout=5,
        )
    return {s.subject: s for s in reply.stats}


def estimate(
    mesh: ToolsMesh, itinerary: trip_pb2.Itinerary
) -> budget_service_pb2.EstimateBudgetResponse:
    with grpc.insecure_channel(mesh.address("budget")) as channel:
        reply: budget_service_pb2.EstimateBudgetResponse = (
            budget_service_pb2_grpc.BudgetServiceStub(channel).EstimateBudget(
                budget_service_pb2.EstimateBudgetRequest(trip=TRIP, itinerary=itinerary), timeout=20
            )
        )
    return reply


def advice(mesh: ToolsMesh, itinerary: trip_pb2.Itinerary) -> guide_service_pb2.GetAdviceResponse:
    with grpc.insecure_channel(mesh.address("guide")) as channel:
        reply: guide_service_pb2.GetAdviceResponse = guide_service_pb2_grpc.GuideServiceStub(
            channel
        ).GetAdvice(guide_service_pb2.GetAdviceRequest(trip=TRIP, itinerary=itinerary), timeout=20)
    return reply


def test_estimate_and_advice_call_their_tools_through_the_router(
    mesh: ToolsMesh, itinerary: trip_pb2.Itinerary, local_total: money_pb2.Money
) -> None:
    converts = routed_calls(mesh, "currency.convert")
    seasons, phrases = routed_calls(mesh, "guide.season"), routed_calls(mesh, "guide.phrases")

    reply = estimate(mesh, itinerary)
    assert reply.estimate.total == local_total  # the router's rates are fx's, to the last digit
    assert not [w for w in reply.warnings if "computed locally" in w]
    assert routed_calls(mesh, "currency.convert") - converts == PAIRS  # one per distinct pair

    guide = advice(mesh, itinerary)
    assert guide.guide.season == "summer"
    assert guide.guide.phrases[0].language == "pt-PT"
    assert not [w for w in guide.warnings if "computed locally" in w]
    assert routed_calls(mesh, "guide.season") - seasons == 1
    assert routed_calls(mesh, "guide.phrases") - phrases == 1

    # ...and the router reported them to the monitor, as tool executions of the provider.
    def reported() -> bool:
        stats = stats_of(mesh, "tripmesh-budget").get("tools/currency.convert")
        return stats is not None and stats.count >= PAIRS

    eventually(reported, timeout=10)


def test_with_the_router_stopped_both_answer_locally_and_say_so(
    mesh: ToolsMesh, itinerary: trip_pb2.Itinerary, local_total: money_pb2.Money
) -> None:
    routed = estimate(mesh, itinerary)
    mesh.members["task-router"].stop()

    reply = estimate(mesh, itinerary)
    assert reply.estimate == routed.estimate
    assert reply.estimate.total == local_total
    assert (
        "exchange rates computed locally: the task router did not answer (UNAVAILABLE)"
        in reply.warnings
    )

    guide = advice(mesh, itinerary)
    assert guide.guide.season == "summer"
    assert guide.guide.phrases[0].language == "pt-PT"
    assert (
        "season and phrases computed locally: the task router did not answer (UNAVAILABLE)"
        in guide.warnings
    )
