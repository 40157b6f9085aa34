"""GetTrip and ListTrips over gRPC: statuses and ErrorInfo."""

import grpc
import pytest
from tripmesh.v1.orchestrator_service_pb2 import GetTripRequest, ListTripsRequest
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub

from services.runtime.errors import error_info, status_from_rpc_error
from tests.support.inprocess import channel_to
from tests.unit.orchestrator.agents import agent_mesh
from tests.unit.orchestrator.test_workflow import plan, trip_request


async def failure_of(call: object) -> tuple[grpc.StatusCode, str, dict[str, str]]:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call  # type: ignore[misc]
    info = error_info(status_from_rpc_error(failure.value))
    assert info is not None
    return failure.value.code(), info.reason, dict(info.metadata)


async def test_get_and_list_return_stored_trips_newest_first() -> None:
    async with agent_mesh() as mesh:
        trips = [await plan(mesh.port, trip_request()) for _ in range(3)]
        async with channel_to(mesh.port) as channel:
            stub = OrchestratorServiceStub(channel)
            assert await stub.GetTrip(GetTripRequest(name=trips[0].name)) == trips[0]
            first = await stub.ListTrips(ListTripsRequest(page_size=2))
            rest = await stub.ListTrips(ListTripsRequest(page_token=first.next_page_token))
    assert [t.name for t in [*first.trips, *rest.trips]] == [t.name for t in reversed(trips)]
    assert rest.next_page_token == ""


async def test_errors_of_get_and_list() -> None:
    async with agent_mesh() as mesh, channel_to(mesh.port) as channel:
        stub = OrchestratorServiceStub(channel)
        missing = await failure_of(stub.GetTrip(GetTripRequest(name="trips/" + "0" * 32)))
        malformed = await failure_of(stub.GetTrip(GetTripRequest(name="trip/x")))
        bad_token = await failure_of(stub.ListTrips(ListTripsRequest(page_token="nope")))
        bad_size = await failure_of(stub.ListTrips(ListTripsRequest(page_size=-3)))
    assert missing[:2] == (grpc.StatusCode.NOT_FOUND, "TRIP_NOT_FOUND")
    assert malformed[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert malformed[2]["field"] == "name"
    assert bad_token[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_token[2]["field"] == "page_token"
    assert bad_size[2]["field"] == "page_size"
