"""The workflow's own logic, through the real orchestrator server and test agents."""

import asyncio
import time

import grpc
import pytest
from tripmesh.v1.orchestrator_service_pb2 import GetTripRequest, ListTripsRequest, PlanStage
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import Pace, PlanTripRequest, Trip

from services.runtime.errors import (
    ResourceExhausted,
    Unavailable,
    error_info,
    status_from_rpc_error,
)
from tests.support.inprocess import channel_to
from tests.unit.orchestrator.agents import agent_mesh, eur


def trip_request(request_id: str = "", **fields: object) -> PlanTripRequest:
    request = PlanTripRequest(
        destination="Lisbon",
        start_date="2027-05-01",
        days=3,
        travelers=2,
        budget=eur(2000),
        interests=["food", "history"],
        request_id=request_id,
    )
    for name, value in fields.items():
        setattr(request, name, value)
    return request


async def plan(port: int, request: PlanTripRequest, timeout: float = 10.0) -> Trip:
    async with channel_to(port) as channel:
        trip: Trip = await OrchestratorServiceStub(channel).PlanTrip(request, timeout=timeout)
    return trip


def reason_of(exc: grpc.aio.AioRpcError) -> tuple[str, str]:
    info = error_info(status_from_rpc_error(exc))
    assert info is not None, exc
    return info.reason, info.domain


async def test_a_trip_has_every_part_and_the_usage_of_every_hop() -> None:
    async with agent_mesh() as mesh:
        trip = await plan(mesh.port, trip_request())
    assert trip.name.startswith("trips/")
    assert len(trip.itinerary.days) == 3
    assert trip.estimate.within_budget
    assert trip.guide.tips[0].text == "Say obrigado."
    assert trip.usage.model_calls == 3  # draft, estimate, advice
    assert trip.usage.input_tokens == 300
    assert trip.usage.cost_usd == pytest.approx(0.03)
    assert list(trip.warnings) == ["drafted"]
    assert trip.request.pace == Pace.PACE_BALANCED
    assert trip.request.request_id
    assert trip.create_time.seconds > 0
    assert trip.revisions == 0


async def test_budget_and_guide_run_in_parallel() -> None:
    async with agent_mesh() as mesh:
        await plan(mesh.port, trip_request())  # connects the channels
        mesh.budget.estimate.delay = mesh.guide.advise.delay = 0.3
        await plan(mesh.port, trip_request())
    (budget_start, budget_end), (guide_start, guide_end) = (
        mesh.budget.estimate.spans[-1],
        mesh.guide.advise.spans[-1],
    )
    # Each call began before the other ended: they overlapped, not one after the other.
    assert budget_start < guide_end
    assert guide_start < budget_end


async def test_revision_rounds_are_bounded() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.totals = [3000, 2600, 2400, 2200]
        trip = await plan(mesh.port, trip_request())
    assert trip.revisions == 2
    assert len(mesh.planner.revise.calls) == 2
    assert len(mesh.budget.estimate.calls) == 3
    revise = mesh.planner.revise.calls[0]
    assert revise.target_total == eur(2000)
    assert list(revise.cut_categories) == ["lodging", "food"]
    assert revise.estimate.total == eur(3000)
    assert trip.estimate.total == eur(2400)
    assert trip.itinerary.days[0].activities[0].cost == eur(50)  # the revised plan
    assert trip.usage.model_calls == 3 + 2 * 2
    assert any(w.startswith("Still over budget after 2 revision(s)") for w in trip.warnings)


async def test_revision_stops_once_within_budget() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.totals = [3000, 1800]
        trip = await plan(mesh.port, trip_request())
    assert trip.revisions == 1
    assert trip.estimate.within_budget
    assert not any("over budget" in w for w in trip.warnings)


async def test_revision_stops_when_a_round_saves_nothing() -> None:
    async with agent_mesh(max_revisions=5) as mesh:
        mesh.budget.totals = [3000, 2500, 2500]
        trip = await plan(mesh.port, trip_request())
    assert trip.revisions == 2
    assert len(mesh.planner.revise.calls) == 2
    assert any(w.startswith("Still over budget after 2 revision(s)") for w in trip.warnings)


async def test_no_revision_rounds_when_set_to_zero() -> None:
    async with agent_mesh(max_revisions=0) as mesh:
        mesh.budget.totals = [3000]
        trip = await plan(mesh.port, trip_request())
    assert mesh.planner.revise.calls == []
    assert any(w.startswith("Still over budget: 3,000.00 EUR") for w in trip.warnings)


async def test_revisions_stop_with_a_warning_when_the_deadline_nears() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.totals = [3000, 2900, 2800]
        mesh.planner.revise.delay = 0.6
        started = time.perf_counter()
        trip = await plan(mesh.port, trip_request(), timeout=1.5)
        elapsed = time.perf_counter() - started
    assert trip.revisions == 1
    assert "Stopped revising to fit the budget: the deadline came." in trip.warnings
    assert elapsed < 1.5


async def test_a_failed_guide_leaves_a_warning() -> None:
    async with agent_mesh() as mesh:
        mesh.guide.advise.error = Unavailable("down", reason="TEST_DOWN")
        trip = await plan(mesh.port, trip_request())
    assert not trip.HasField("guide")
    assert "No local advice: the guide could not answer (UNAVAILABLE)." in trip.warnings
    assert trip.estimate.within_budget


async def test_a_slow_guide_gets_a_share_of_the_deadline_then_a_warning() -> None:
    async with agent_mesh() as mesh:
        mesh.guide.advise.delay = 5
        started = time.perf_counter()
        trip = await plan(mesh.port, trip_request(), timeout=1.0)
        elapsed = time.perf_counter() - started
    assert "No local advice: the guide did not answer in time." in trip.warnings
    assert elapsed < 0.8  # the guide had half of what was left, not the whole second


async def test_a_failed_planner_fails_the_call_with_its_status() -> None:
    async with agent_mesh() as mesh:
        mesh.planner.draft.error = ResourceExhausted("quota", reason="MODEL_QUOTA_EXHAUSTED")
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await plan(mesh.port, trip_request())
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert reason_of(failure.value) == ("MODEL_QUOTA_EXHAUSTED", "tripmesh-planner")
    assert mesh.budget.estimate.calls == []


async def test_a_failed_budget_fails_the_call_with_its_status() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.estimate.error = Unavailable("down", reason="TEST_DOWN")
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await plan(mesh.port, trip_request())
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert reason_of(failure.value) == ("TEST_DOWN", "tripmesh-budget")


async def test_a_failed_budget_cancels_the_guide() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.estimate.error = Unavailable("down", reason="TEST_DOWN")
        mesh.budget.estimate.delay = 0.1  # the guide's call is under way by then
        mesh.guide.advise.delay = 5
        with pytest.raises(grpc.aio.AioRpcError):
            await plan(mesh.port, trip_request())
        await asyncio.wait_for(mesh.guide.advise.cancelled.wait(), 1)


async def test_a_hop_timing_out_is_reported_before_the_callers_deadline() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.estimate.delay = 5
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await plan(mesh.port, trip_request(), timeout=1.0)
    # The orchestrator answered (with an ErrorInfo) rather than the client timing out.
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert reason_of(failure.value) == ("UPSTREAM_DEADLINE_EXCEEDED", "tripmesh-orchestrator")


async def test_a_bad_request_is_invalid_argument_and_calls_no_agent() -> None:
    async with agent_mesh() as mesh:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await plan(mesh.port, trip_request(start_date="May 1st"))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info = error_info(status_from_rpc_error(failure.value))
    assert info is not None
    assert info.metadata["field"] == "start_date"
    assert mesh.planner.draft.calls == []


async def test_a_repeated_request_id_returns_the_stored_trip_without_new_work() -> None:
    async with agent_mesh() as mesh:
        first = await plan(mesh.port, trip_request("req-1"))
        again = await plan(mesh.port, trip_request("req-1"))
        async with channel_to(mesh.port) as channel:
            listed = await OrchestratorServiceStub(channel).ListTrips(ListTripsRequest())
    assert again == first
    assert len(mesh.planner.draft.calls) == 1
    assert len(listed.trips) == 1


async def test_a_request_id_reused_for_another_request_is_already_exists() -> None:
    async with agent_mesh() as mesh:
        first = await plan(mesh.port, trip_request("req-3"))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await plan(mesh.port, trip_request("req-3", destination="Porto"))
    assert caught.value.code() is grpc.StatusCode.ALREADY_EXISTS
    info = error_info(status_from_rpc_error(caught.value))
    assert info is not None
    assert info.reason == "REQUEST_ID_REUSED"
    assert info.metadata["field"] == "request_id"
    assert info.metadata["trip"] == first.name
    assert len(mesh.planner.draft.calls) == 1


async def test_concurrent_duplicates_make_one_trip() -> None:
    async with agent_mesh() as mesh:
        mesh.planner.draft.delay = 0.2
        trips = await asyncio.gather(*(plan(mesh.port, trip_request("req-2")) for _ in range(4)))
        async with channel_to(mesh.port) as channel:
            listed = await OrchestratorServiceStub(channel).ListTrips(ListTripsRequest())
    assert {trip.name for trip in trips} == {trips[0].name}
    assert len(mesh.planner.draft.calls) == 1
    assert [trip.name for trip in listed.trips] == [trips[0].name]


async def test_stream_reports_each_step_and_ends_with_the_stored_trip() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.totals = [3000, 1900]
        async with channel_to(mesh.port) as channel:
            stub = OrchestratorServiceStub(channel)
            events = [e async for e in stub.StreamPlanTrip(trip_request(), timeout=10)]
            stored = await stub.GetTrip(GetTripRequest(name=events[-1].trip.name))
    stages = [PlanStage.Name(e.stage).removeprefix("PLAN_STAGE_") for e in events]
    assert stages[:2] == ["VALIDATED", "ITINERARY_DRAFTED"]
    assert stages[-2:] == ["STORED", "COMPLETED"]
    assert sorted(stages[2:-2]) == ["BUDGET_ESTIMATED", "GUIDE_READY", "REVISED"]
    assert stages.index("BUDGET_ESTIMATED") < stages.index("REVISED")
    assert events[-1].trip == stored
    assert events[1].trip.itinerary.days
    assert not events[1].trip.HasField("estimate")
    assert all(e.message and e.event_time.seconds for e in events)
    # Each event carries what its step changed; the name only once the trip is stored.
    by_stage = {PlanStage.Name(e.stage).removeprefix("PLAN_STAGE_"): e.trip for e in events}
    assert by_stage["VALIDATED"].request.destination
    assert not by_stage["VALIDATED"].HasField("itinerary")
    assert not by_stage["ITINERARY_DRAFTED"].HasField("request")
    assert [e.trip.name for e in events[:-2]] == [""] * (len(events) - 2)
    assert by_stage["STORED"].name == stored.name
    assert not by_stage["STORED"].HasField("itinerary")


async def test_a_client_that_goes_away_cancels_every_hop() -> None:
    async with agent_mesh() as mesh:
        mesh.budget.estimate.delay = mesh.guide.advise.delay = 5
        async with channel_to(mesh.port) as channel:
            call = OrchestratorServiceStub(channel).StreamPlanTrip(trip_request(), timeout=10)
            async for event in call:
                if event.stage == PlanStage.PLAN_STAGE_ITINERARY_DRAFTED:
                    break
            await asyncio.sleep(0.1)  # budget and guide calls are under way
            call.cancel()
            await asyncio.wait_for(mesh.budget.estimate.cancelled.wait(), 1)
            await asyncio.wait_for(mesh.guide.advise.cancelled.wait(), 1)
