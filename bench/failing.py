"""A gRPC server that answers UNAVAILABLE, without details, to every call (`make chaos`).

`python bench/failing.py PORT`: what a replica whose process is dying, or a proxy
with no backend, looks like to a client: the kind of failure clients retry.
"""

import asyncio
import sys
from typing import Any

import grpc


class FailEverything(grpc.GenericRpcHandler):
    def service(self, handler_call_details: Any) -> Any:
        return grpc.unary_unary_rpc_method_handler(self._fail)

    async def _fail(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        await context.abort(grpc.StatusCode.UNAVAILABLE, "failing on purpose")
        return b""


async def serve(port: int) -> None:
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((FailEverything(),))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
