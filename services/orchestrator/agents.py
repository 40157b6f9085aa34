"""Clients of the three agents, as the workflow sees them: one awaitable per RPC.

Each call takes an explicit timeout (the workflow's share of the trip deadline);
the channel pool's interceptor also caps it by the caller's deadline and
forwards the request id. A failed call raises grpc.aio.AioRpcError (or a typed
UNAVAILABLE when no instance is healthy), which the server's error interceptor
passes on with the upstream's code and ErrorInfo.
"""

from typing import TYPE_CHECKING, Any

import grpc
from tripmesh.v1.budget_service_pb2 import EstimateBudgetRequest, EstimateBudgetResponse
from tripmesh.v1.budget_service_pb2_grpc import BudgetServiceStub
from tripmesh.v1.guide_service_pb2 import GetAdviceRequest, GetAdviceResponse
from tripmesh.v1.guide_service_pb2_grpc import GuideServiceStub
from tripmesh.v1.planner_service_pb2 import (
    DraftItineraryRequest,
    DraftItineraryResponse,
    ReviseItineraryRequest,
    ReviseItineraryResponse,
)
from tripmesh.v1.planner_service_pb2_grpc import PlannerServiceStub
from tripmesh.v1.trip_pb2 import Itinerary, PlanTripRequest

from services.runtime import errors
from services.runtime.channels import ChannelPool, ServiceClient

if TYPE_CHECKING:  # the async stub types exist in the .pyi only
    from tripmesh.v1.budget_service_pb2_grpc import BudgetServiceAsyncStub
    from tripmesh.v1.guide_service_pb2_grpc import GuideServiceAsyncStub
    from tripmesh.v1.planner_service_pb2_grpc import PlannerServiceAsyncStub


class PlannerClient:
    def __init__(self, client: ServiceClient["PlannerServiceAsyncStub"]) -> None:
        self._client = client

    async def draft(self, trip: PlanTripRequest, timeout: float) -> DraftItineraryResponse:
        return await self._client.stub.DraftItinerary(
            DraftItineraryRequest(trip=trip), timeout=timeout
        )

    async def revise(
        self, request: ReviseItineraryRequest, timeout: float
    ) -> ReviseItineraryResponse:
        return await self._client.stub.ReviseItinerary(request, timeout=timeout)


class BudgetClient:
    def __init__(self, client: ServiceClient["BudgetServiceAsyncStub"]) -> None:
        self._client = client

    async def estimate(
        self, trip: PlanTripRequest, itinerary: Itinerary, timeout: float
    ) -> EstimateBudgetResponse:
        return await self._client.stub.EstimateBudget(
            EstimateBudgetRequest(trip=trip, itinerary=itinerary), timeout=timeout
        )


class GuideClient:
    def __init__(self, client: ServiceClient["GuideServiceAsyncStub"]) -> None:
        self._client = client

    async def advise(
        self, trip: PlanTripRequest, itinerary: Itinerary, timeout: float
    ) -> GetAdviceResponse:
        return await self._client.stub.GetAdvice(
            GetAdviceRequest(trip=trip, itinerary=itinerary), timeout=timeout
        )


def agent_clients(channels: ChannelPool) -> tuple[PlannerClient, BudgetClient, GuideClient]:
    """The three clients on the pool's long-lived channels."""
    # The stub classes build async stubs on aio channels; the .pyi says so only by overload.
    # Their RPCs are pure functions of the request: safe to hedge and retry elsewhere.
    planner: Any = channels.client("planner", PlannerServiceStub, pure=True)
    budget: Any = channels.client("budget", BudgetServiceStub, pure=True)
    guide: Any = channels.client("guide", GuideServiceStub, pure=True)
    return PlannerClient(planner), BudgetClient(budget), GuideClient(guide)


def is_deadline_exceeded(exc: BaseException) -> bool:
    """Whether a failed call ran out of time (rather than failing for another cause)."""
    if isinstance(exc, errors.DeadlineExceeded):
        return True
    return isinstance(exc, grpc.aio.AioRpcError) and exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def failure_code(exc: BaseException) -> str:
    """The status code name of a failed call ("UNAVAILABLE"), for warnings and logs."""
    if isinstance(exc, grpc.aio.AioRpcError):
        return str(exc.code().name)
    if isinstance(exc, errors.TripmeshError):
        return str(exc.code.name)
    return "INTERNAL"
