"""gRPC servicer of the budget service: maps protos to the domain and back."""

from typing import Any

import grpc
from tripmesh.v1 import budget_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class BudgetServiceServicer(budget_service_pb2_grpc.BudgetServiceServicer):
    """Placeholder until issue #3: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def EstimateBudget(
        self, request: Any, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Any:
        raise not_implemented_yet("BudgetService.EstimateBudget", 3)
