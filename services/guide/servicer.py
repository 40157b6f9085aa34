"""gRPC servicer of the guide service: maps protos to the domain and back."""

from typing import Any

import grpc
from tripmesh.v1 import guide_service_pb2_grpc

from services.runtime.errors import not_implemented_yet


class GuideServiceServicer(guide_service_pb2_grpc.GuideServiceServicer):
    """Placeholder until issue #3: every RPC answers UNIMPLEMENTED with an ErrorInfo."""

    async def GetAdvice(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        raise not_implemented_yet("GuideService.GetAdvice", 3)
