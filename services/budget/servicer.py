"""gRPC servicer of the budget agent: maps protos to the BudgetEstimator and back."""

from typing import Any

import grpc
from tripmesh.v1 import budget_service_pb2, budget_service_pb2_grpc

from services.agents.protos import budget_to_proto, itinerary_from_proto, usage_to_proto
from services.budget.estimator import BudgetEstimator
from services.guardrails import parse_trip_request


class BudgetServiceServicer(budget_service_pb2_grpc.BudgetServiceServicer):
    """EstimateBudget over a BudgetEstimator."""

    def __init__(self, estimator: BudgetEstimator) -> None:
        self._estimator = estimator

    async def EstimateBudget(
        self,
        request: budget_service_pb2.EstimateBudgetRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> budget_service_pb2.EstimateBudgetResponse:
        trip, warnings = parse_trip_request(request.trip, resolve=False)
        itinerary = itinerary_from_proto(request.itinerary, trip)
        result = await self._estimator.estimate(trip, itinerary)
        return budget_service_pb2.EstimateBudgetResponse(
            estimate=budget_to_proto(result.value),
            warnings=[*warnings, *result.warnings],
            usage=usage_to_proto(result.usage),
        )
