"""gRPC servicer of the orchestrator service: maps protos to the workflow and the store."""

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import grpc
from google.protobuf.empty_pb2 import Empty
from google.protobuf.timestamp_pb2 import Timestamp
from tripmesh.v1 import orchestrator_service_pb2_grpc
from tripmesh.v1.orchestrator_service_pb2 import (
    DeleteTripRequest,
    GetTripRequest,
    ListTripsRequest,
    ListTripsResponse,
    StreamPlanTripResponse,
)
from tripmesh.v1.trip_pb2 import PlanTripRequest, Trip

from services.orchestrator import paging
from services.orchestrator.names import parse_trip_name
from services.orchestrator.store import TripStore
from services.orchestrator.workflow import PlanEvent, TripWorkflow
from services.runtime.errors import NotFound

Context = grpc.aio.ServicerContext[Any, Any]


def stream_response(event: PlanEvent) -> StreamPlanTripResponse:
    now = Timestamp()
    now.GetCurrentTime()
    return StreamPlanTripResponse(
        stage=event.stage, message=event.message, trip=event.trip, event_time=now
    )


def _not_found(name: str) -> NotFound:
    return NotFound(f"{name} does not exist", reason="TRIP_NOT_FOUND", metadata={"name": name})


class OrchestratorServiceServicer(orchestrator_service_pb2_grpc.OrchestratorServiceServicer):
    """PlanTrip and StreamPlanTrip run the workflow; GetTrip, DeleteTrip and ListTrips use
    the store."""

    def __init__(self, workflow: TripWorkflow, store: TripStore) -> None:
        self._workflow = workflow
        self._store = store

    async def PlanTrip(self, request: PlanTripRequest, context: Context) -> Trip:
        return await self._workflow.plan(request)

    async def StreamPlanTrip(
        self, request: PlanTripRequest, context: Context
    ) -> AsyncIterator[StreamPlanTripResponse]:
        # aclosing: a client that goes away closes the workflow here, which cancels its calls.
        async with aclosing(self._workflow.run(request)) as events:
            async for event in events:
                yield stream_response(event)

    async def GetTrip(self, request: GetTripRequest, context: Context) -> Trip:
        trip = await self._store.get(parse_trip_name(request.name))
        if trip is None:
            raise _not_found(request.name)
        return trip

    async def DeleteTrip(self, request: DeleteTripRequest, context: Context) -> Empty:
        if not await self._store.delete(parse_trip_name(request.name)):
            raise _not_found(request.name)
        return Empty()

    async def ListTrips(self, request: ListTripsRequest, context: Context) -> ListTripsResponse:
        page = await self._store.list(paging.page_size(request.page_size), request.page_token)
        return ListTripsResponse(trips=page.trips, next_page_token=page.next_page_token)
