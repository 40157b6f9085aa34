"""gRPC servicer of the task router service: maps protos to the domain and back."""

from typing import Any

import grpc
from tripmesh.v1 import task_router_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class TaskRouterServiceServicer(task_router_service_pb2_grpc.TaskRouterServiceServicer):
    """Placeholder until issue #5: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def RouteTask(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("TaskRouterService.RouteTask", 5)
