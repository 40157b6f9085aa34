"""mTLS benchmark (`make bench-mtls`): what mutual TLS and the identity checks cost a trip.

Two meshes from `tripmesh up` side by side, one plaintext, one `--tls` (offline model): PlanTrip
straight to the orchestrator over gRPC, which crosses every internal hop (planner, budget,
guide, task router, tools, monitor), at concurrency 1 and 16, the two meshes in turns so that
other work on the machine hits both alike; then the CPU time per trip summed over the eight
processes, read from /proc (robust to a busy machine). Prints, asserts nothing.

Usage: python bench/mtls_bench.py [--scale 0.5]
"""

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
from gateway_bench import header, plan_request, row
from loadgen import Request, alternate, run_load
from meshes import HOST, Mesh, cpu_seconds, tripmesh_up
from tripmesh.v1 import orchestrator_service_pb2_grpc

from services.runtime import tls

LEVELS = ((1, 60), (16, 320))  # concurrency, requests


def planner_of(mesh: Mesh) -> tuple[grpc.aio.Channel, Callable[[], Awaitable[Request]]]:
    """A channel to the mesh's orchestrator (mTLS with the operator's certificate if it has one)
    and a maker of PlanTrip workers on it."""
    credentials = tls.client_credentials(mesh.operator)
    address = f"{HOST}:{mesh.port('orchestrator')}"
    channel = tls.aio_channel(address, credentials, service="tripmesh-orchestrator")
    stub = orchestrator_service_pb2_grpc.OrchestratorServiceStub(channel)
    request = plan_request()

    async def make() -> Request:
        async def call() -> None:
            await stub.PlanTrip(request, timeout=60)

        return call

    return channel, make


async def measure(plain: Mesh, secured: Mesh, scale: float) -> None:
    plain_channel, plain_plan = planner_of(plain)
    tls_channel, tls_plan = planner_of(secured)
    await run_load(plain_plan, 1, 5)  # warm both: connections, caches, first imports
    await run_load(tls_plan, 1, 5)
    header("PlanTrip, direct gRPC to the orchestrator: plaintext mesh vs mTLS mesh")
    for concurrency, requests in LEVELS:
        count = max(concurrency, int(requests * scale))
        plaintext, mutual = await alternate(plain_plan, tls_plan, concurrency, count)
        row("plaintext", concurrency, plaintext)
        row("mTLS + identities", concurrency, mutual)
        print(f"  {'median ratio':<22}{concurrency:>5}  {mutual.median / plaintext.median:.3f}")
    count = max(32, int(320 * scale))
    print(f"\nCPU per PlanTrip, all eight processes (ms, concurrency 16, {count} requests)")
    for label, mesh, plan in (("plaintext", plain, plain_plan), ("mTLS", secured, tls_plan)):
        pids = mesh.pids().values()
        before = sum(cpu_seconds(pid) for pid in pids)
        result = await run_load(plan, 16, count)
        spent = sum(cpu_seconds(pid) for pid in pids) - before
        print(f"  {label:<22}{spent / len(result.latencies) * 1000:>9.1f}")
    await plain_channel.close()
    await tls_channel.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as plain_dir, tempfile.TemporaryDirectory() as tls_dir:
        plain = tripmesh_up(Path(plain_dir))
        try:
            secured = tripmesh_up(Path(tls_dir), tls=True)
            try:
                asyncio.run(measure(plain, secured, args.scale))
            finally:
                secured.stop()
        finally:
            plain.stop()


if __name__ == "__main__":
    main()
