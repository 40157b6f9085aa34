"""gRPC servicer of the planner service: maps protos to the domain and back."""

from typing import Any

import grpc
from tripmesh.v1 import planner_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class PlannerServiceServicer(planner_service_pb2_grpc.PlannerServiceServicer):
    """Placeholder until issue #3: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def DraftItinerary(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        raise not_implemented_yet("PlannerService.DraftItinerary", 3)

    async def ReviseItinerary(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        raise not_implemented_yet("PlannerService.ReviseItinerary", 3)
