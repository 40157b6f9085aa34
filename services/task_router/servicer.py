"""gRPC servicer of the task router service: maps protos to the router and back."""

from typing import Any

import grpc
from tripmesh.v1 import task_router_service_pb2 as pb
from tripmesh.v1 import task_router_service_pb2_grpc

from services.task_router.router import Hints, TaskRouter


class TaskRouterServiceServicer(task_router_service_pb2_grpc.TaskRouterServiceServicer):
    def __init__(self, router: TaskRouter) -> None:
        self._router = router

    async def RouteTask(
        self, request: pb.RouteTaskRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.RouteTaskResponse:
        hints = Hints(
            preferred_instance_id=request.hints.preferred_instance_id,
            excluded_instance_ids=frozenset(request.hints.excluded_instance_ids),
        )
        routed = await self._router.route(request.name, request.arguments, hints)
        return pb.RouteTaskResponse(
            result=routed.result,
            provider_service=routed.provider.service,
            provider_instance_id=routed.provider.instance_id,
            provider_endpoint=routed.provider.endpoint,
            attempts=routed.attempts,
        )
