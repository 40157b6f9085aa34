"""The anchor of the CPU and latency figures: a bare grpc.aio unary echo hop.

`python bench/echo.py serve PORT` runs the server (a generic handler, no
interceptors, no protobuf); `raw_hop()` starts it in a child process and
measures the round trip of a small message from this process at concurrency 1,
the cheapest hop a gRPC call on this machine can make.
"""

import asyncio
import statistics
import sys
import time

import grpc

METHOD = "/bench.Echo/Echo"
PAYLOAD = b"x" * 64


def _identity(data: bytes) -> bytes:
    return data


async def _echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    return request


async def serve(port: int) -> None:
    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "bench.Echo",
        {"Echo": grpc.unary_unary_rpc_method_handler(_echo, _identity, _identity)},
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


async def raw_hop(port: int, calls: int = 2000) -> float:
    """Median seconds of an echo round trip to a child process serving on `port`."""
    child = await asyncio.create_subprocess_exec(sys.executable, __file__, "serve", str(port))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await asyncio.wait_for(channel.channel_ready(), 30)
            echo = channel.unary_unary(METHOD, _identity, _identity)
            for _ in range(100):  # warm up both ends
                await echo(PAYLOAD, timeout=5)
            latencies = []
            for _ in range(calls):
                started = time.perf_counter()
                await echo(PAYLOAD, timeout=5)
                latencies.append(time.perf_counter() - started)
        return statistics.median(latencies)
    finally:
        child.terminate()
        await child.wait()


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    asyncio.run(serve(int(sys.argv[2])))
