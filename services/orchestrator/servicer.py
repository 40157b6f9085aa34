"""gRPC servicer of the orchestrator service: maps protos to the domain and back."""

from collections.abc import AsyncIterator
from typing import Any

import grpc
from tripmesh.v1 import orchestrator_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class OrchestratorServiceServicer(orchestrator_service_pb2_grpc.OrchestratorServiceServicer):
    """Placeholder until issue #4: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def PlanTrip(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("OrchestratorService.PlanTrip", 4)

    async def StreamPlanTrip(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        raise not_implemented_yet("OrchestratorService.StreamPlanTrip", 4)
        yield  # pragma: no cover - makes this an async generator

    async def GetTrip(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("OrchestratorService.GetTrip", 4)

    async def ListTrips(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("OrchestratorService.ListTrips", 4)
