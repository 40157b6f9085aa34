"""Gateway benchmark (`make bench`): prints figures, asserts nothing.

1. A mesh from `tripmesh up` (offline model, free port offset): PlanTrip through
   the gateway (HTTP/JSON) and straight to the orchestrator (gRPC) at
   concurrency 1, 16 and 64; throughput, p50, p99 and the ratio of medians
   (target: gateway <= 1.10 x direct). Also a cheap RPC (ListTrips) to show the
   gateway's own cost per request, and the idle RSS of each process.
2. A mesh whose planner, budget and guide take 200 ms more per RPC
   (TRIPMESH_FAULT_DELAY_MS, standing in for a model call): the trip latency
   against the critical path, 2 x 200 ms (draft, then budget and guide in parallel) plus
   the rest of the path measured in 1 (target: within 15 %).

Usage: python bench/gateway_bench.py [--scale 0.5] [--parts cpu,cheap]
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import grpc
from echo import raw_hop
from google.protobuf import json_format
from loadgen import HttpConnection, Request, Result, alternate, run_load
from meshes import (
    HOST,
    Mesh,
    cpu_seconds,
    cpu_wait_seconds,
    each_service,
    rss_mb,
    tripmesh_up,
)
from tripmesh.v1 import orchestrator_service_pb2, orchestrator_service_pb2_grpc, trip_pb2

LEVELS = ((1, 100), (16, 320), (64, 640))  # concurrency, requests
# client -> orchestrator, orchestrator -> planner, orchestrator -> budget || guide; the tools
# they use are remembered after the first trip, so none is on a steady trip's path.
CRITICAL_PATH_HOPS = 3
MODEL_DELAY_MS = 200
DELAYED = ("planner", "budget", "guide")
PLAN: dict[str, Any] = {
    "destination": "Lisbon",
    "startDate": "2027-05-01",
    "days": 4,
    "travelers": 2,
    "budget": {"currencyCode": "EUR", "units": 6000},  # enough: no revision round
    "interests": ["food", "history"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def plan_request() -> trip_pb2.PlanTripRequest:
    return json_format.ParseDict(PLAN, trip_pb2.PlanTripRequest())


class Target:
    """Makes workers that call one RPC of one mesh, over HTTP or gRPC."""

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        self.channel = grpc.aio.insecure_channel(f"{HOST}:{mesh.port('orchestrator')}")
        self.stub = orchestrator_service_pb2_grpc.OrchestratorServiceStub(self.channel)

    def http(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> Callable[[], Awaitable[Request]]:
        data = json.dumps(body).encode() if body is not None else b""

        async def make() -> Request:
            return await HttpConnection(HOST, self.mesh.port("gateway"), method, path, data).open()

        return make

    def grpc_plan(self) -> Callable[[], Awaitable[Request]]:
        request = plan_request()

        async def make() -> Request:
            async def call() -> None:
                await self.stub.PlanTrip(request, timeout=60)

            return call

        return make

    def grpc_list(self) -> Callable[[], Awaitable[Request]]:
        request = orchestrator_service_pb2.ListTripsRequest(page_size=1)

        async def make() -> Request:
            async def call() -> None:
                await self.stub.ListTrips(request, timeout=60)

            return call

        return make

    async def close(self) -> None:
        await self.channel.close()


def row(label: str, concurrency: int, result: Result) -> None:
    print(
        f"  {label:<22}{concurrency:>5}{len(result.latencies):>8}{result.throughput:>9.1f}"
        f"{result.median * 1000:>9.1f}{result.percentile(99) * 1000:>9.1f}{result.errors:>7}"
    )


def header(title: str) -> None:
    columns = f"{'conc':>5}{'reqs':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}"
    print(f"\n{title}\n  {'':<22}{columns}")


async def compare(target: Target, scale: float) -> float:
    """PlanTrip over HTTP and gRPC at each level; returns the direct median at concurrency 1."""
    header("PlanTrip, offline model: gateway (HTTP/JSON) vs direct gRPC")
    direct_c1 = float("nan")
    for concurrency, requests in LEVELS:
        count = max(concurrency, int(requests * scale))
        gateway_pid = target.mesh.pids()["gateway"]
        waited = cpu_wait_seconds(gateway_pid)
        gateway, direct = await alternate(
            target.http("POST", "/v1/trips:plan", PLAN), target.grpc_plan(), concurrency, count
        )
        waited = (cpu_wait_seconds(gateway_pid) - waited) / len(gateway.latencies)
        row("gateway", concurrency, gateway)
        row("direct gRPC", concurrency, direct)
        ratio = gateway.median / direct.median
        print(
            f"  {'median ratio':<22}{concurrency:>5}  {ratio:.3f}  (target <= 1.10; the gateway"
            f" waited {waited * 1000:.2f} ms a request for a CPU)"
        )
        if concurrency == 1:
            direct_c1 = direct.median
    return direct_c1


CPU_ROUNDS = 3
SHORT = {
    "gateway": "gateway",
    "orchestrator": "orch.",
    "planner": "planner",
    "budget": "budget",
    "guide": "guide",
    "task-router": "router",
    "tool-registry": "registry",
    "performance-monitor": "monitor",
}


async def cpu_cost(target: Target, scale: float) -> None:
    """CPU time per PlanTrip of each process, read from /proc: robust to a busy machine
    (a crowded machine still inflates it, through caches: the median of a few rounds)."""
    count = max(32, int(200 * scale))
    print(f"\nCPU per PlanTrip (ms; concurrency 16, median of {CPU_ROUNDS} rounds of {count})")
    names = [name for name in SHORT if name in target.mesh.pids()]
    columns = "".join(f"{SHORT[name]:>9}" for name in names)
    print(f"  {'':<14}{columns}{'mesh':>9}{'client':>9}")
    for label, make in (
        ("gateway", target.http("POST", "/v1/trips:plan", PLAN)),
        ("direct gRPC", target.grpc_plan()),
    ):
        rounds = [await _cpu_round(target, make, count) for _ in range(CPU_ROUNDS)]
        median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        cells = "".join(f"{median[name]:>9.2f}" for name in names)
        print(f"  {label:<14}{cells}{median['mesh']:>9.2f}{median['client']:>9.2f}")
    print("  (target: mesh <= 8 ms for a direct trip)")


async def _cpu_round(
    target: Target, make: Callable[[], Awaitable[Request]], count: int
) -> dict[str, float]:
    pids = target.mesh.pids()
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    client_before = time.process_time()
    await run_load(make, 16, count)
    spent = {name: (cpu_seconds(pid) - before[name]) * 1000 / count for name, pid in pids.items()}
    spent["mesh"] = sum(spent.values())
    spent["client"] = (time.process_time() - client_before) * 1000 / count
    return spent


def hop_multiple(direct_c1: float, raw_hop: float) -> None:
    """The direct trip's median against its critical path in bare gRPC hops."""
    hops = CRITICAL_PATH_HOPS
    print(
        f"\nDirect PlanTrip p50 at concurrency 1: {direct_c1 * 1000:.2f} ms ="
        f" {direct_c1 / (hops * raw_hop):.2f} x ({hops} hops x raw hop {raw_hop * 1000:.3f} ms)"
        " (target <= 2.0)"
    )


async def cheap_rpc(target: Target, scale: float) -> None:
    header("ListTrips(pageSize=1): the gateway's own cost on a cheap RPC")
    count = max(1, int(300 * scale))
    gateway_pid = target.mesh.pids()["gateway"]
    waited = cpu_wait_seconds(gateway_pid)
    gateway, direct = await alternate(
        target.http("GET", "/v1/trips?pageSize=1"), target.grpc_list(), 1, count
    )
    waited = (cpu_wait_seconds(gateway_pid) - waited) / len(gateway.latencies)
    row("gateway", 1, gateway)
    row("direct gRPC", 1, direct)
    print(
        f"  gateway adds {(gateway.median - direct.median) * 1000:.2f} ms per request (p50),"
        f" of which it waited {waited * 1000:.2f} ms (mean) for a CPU"
    )


def print_rss(mesh: Mesh, when: str) -> None:
    pids = mesh.pids()
    sizes = {name: rss_mb(pid) for name, pid in sorted(pids.items())}
    print(f"\nIdle RSS ({when}), MB")
    for name, size in sizes.items():
        print(f"  {name:<22}{size:>8.1f}")
    total = sum(sizes.values())
    print(f"  {'whole mesh (' + str(len(sizes)) + ')':<22}{total:>8.1f}  (target <= 600)")


async def warm_up(target: Target) -> None:
    await run_load(target.grpc_plan(), 4, 20)
    await run_load(target.http("POST", "/v1/trips:plan", PLAN), 4, 20)


PARTS = ("compare", "cpu", "cheap", "rss", "delayed")
# The closed loop at 64 is queued, not shed, so that it measures what the gateway adds to a
# trip; shedding beyond the services' default minimum limit (16) is make chaos's to measure.
QUEUED = {"TRIPMESH_OVERLOAD_MIN_LIMIT": "64"}  # every one unless --parts says


async def first_mesh(data_dir: Path, scale: float, parts: set[str]) -> float:
    rest = float("nan")
    if "compare" in parts:
        raw = await raw_hop(free_port())
        print(f"raw hop (bare grpc.aio unary echo to a child process, p50): {raw * 1000:.3f} ms")
    mesh = tripmesh_up(data_dir, env=QUEUED)
    target = Target(mesh)
    try:
        print(
            f"mesh: `tripmesh up --port-offset {mesh.offset}` (offline model,"
            " TRIPMESH_OVERLOAD_MIN_LIMIT=64)"
        )
        await warm_up(target)
        if "rss" in parts:
            await asyncio.sleep(2)
            print_rss(mesh, "after warm-up")
        if "compare" in parts:
            rest = await compare(target, scale)
            hop_multiple(rest, raw)
        if "cpu" in parts:
            await cpu_cost(target, scale)
        if "cheap" in parts:
            await cheap_rpc(target, scale)
        if "rss" in parts:
            await asyncio.sleep(2)
            print_rss(mesh, "after the load")
        return rest
    finally:
        await target.close()
        mesh.stop()


async def delayed_mesh(data_dir: Path, rest: float, scale: float) -> None:
    # The agents' own RPCs only: their ToolService (called through the router) stays fast,
    # as a model call would not slow a tool.
    agent_methods = ",".join(
        f"/tripmesh.v1.{name}Service/" for name in ("Planner", "Budget", "Guide")
    )
    delay = {
        "TRIPMESH_FAULT_DELAY_MS": str(MODEL_DELAY_MS),
        "TRIPMESH_FAULT_DELAY_METHODS": agent_methods,
    }
    mesh = each_service(data_dir, {name: delay for name in DELAYED})
    target = Target(mesh)
    try:
        trip = await target.stub.PlanTrip(plan_request(), timeout=60)  # also warms up
        rounds = trip.revisions
        count = max(4, int(10 * scale))
        header(
            f"PlanTrip with {MODEL_DELAY_MS} ms per planner/budget/guide RPC ({rounds} revisions)"
        )
        gateway, direct = await alternate(
            target.http("POST", "/v1/trips:plan", PLAN), target.grpc_plan(), 1, count, rounds=2
        )
        row("gateway", 1, gateway)
        row("direct gRPC", 1, direct)
        model_path = (2 + 2 * rounds) * MODEL_DELAY_MS / 1000
        expected = model_path + rest
        print(
            f"  critical path: {model_path * 1000:.0f} ms of model calls + {rest * 1000:.1f} ms"
            f" rest = {expected * 1000:.1f} ms"
        )
        for label, result in (("gateway", gateway), ("direct gRPC", direct)):
            print(f"  {label}: {result.median / expected:.3f} x critical path (target <= 1.15)")
    finally:
        await target.close()
        mesh.stop()


async def main(scale: float, parts: set[str]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"tripmesh gateway benchmark: {os.cpu_count()} CPUs, load average {load}, scale {scale}")
    with tempfile.TemporaryDirectory(prefix="tripmesh-bench-") as temp:
        first, second = Path(temp, "a"), Path(temp, "b")
        for directory in (first, second):
            os.makedirs(directory)
        if parts - {"delayed"}:
            rest = await first_mesh(first, scale, parts)
        else:
            rest = float("nan")
        if "delayed" in parts:
            if "compare" not in parts:
                print("\n(the delayed mesh's critical path needs part `compare`: rest taken as 0)")
                rest = 0.0
            await delayed_mesh(second, rest, scale)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load} (other work on these cores skews latencies)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies request counts")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated parts to run, of {', '.join(PARTS)} (default: all)",
    )
    args = parser.parse_args()
    chosen = {p.strip() for p in args.parts.split(",") if p.strip()}
    if unknown := chosen - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    asyncio.run(main(args.scale, chosen))
