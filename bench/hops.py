"""Hop by hop at concurrency 1: the p50 of each RPC on a steady trip's path, called straight.

`python bench/hops.py [--calls 300] [--rounds 3]` starts a mesh (`tripmesh up`, offline
model, as `make bench` does), plans one trip to warm it up, then calls in turn, one at a
time: the planner's Health check (the bare hop with this server's options), DraftItinerary,
EstimateBudget and GetAdvice with that trip's parts, and PlanTrip; each `--calls` times
per round, rounds interleaved so that a burst of other work on the machine spreads over all.
Prints each RPC's p50 (the median of the rounds' p50s), the raw hop (bench/echo.py), and the
orchestrator's own share: PlanTrip less the draft, less the slower of estimate and advice.
"""

import argparse
import asyncio
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
from gateway_bench import plan_request
from grpc_health.v1 import health_pb2, health_pb2_grpc
from meshes import HOST, tripmesh_up
from tripmesh.v1 import (
    budget_service_pb2,
    budget_service_pb2_grpc,
    guide_service_pb2,
    guide_service_pb2_grpc,
    orchestrator_service_pb2_grpc,
    planner_service_pb2,
    planner_service_pb2_grpc,
)

Call = Callable[[], Awaitable[Any]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


async def p50(call: Call, calls: int) -> float:
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - started)
    return statistics.median(latencies)


async def measure(calls: int, rounds: int) -> None:
    raw = await raw_hop(free_port())
    with tempfile.TemporaryDirectory(prefix="tripmesh-hops-") as temp:
        mesh = tripmesh_up(Path(temp), env={"TRIPMESH_OVERLOAD_MIN_LIMIT": "64"})
        channels: list[grpc.aio.Channel] = []

        def channel(name: str) -> grpc.aio.Channel:
            channels.append(grpc.aio.insecure_channel(f"{HOST}:{mesh.port(name)}"))
            return channels[-1]

        try:
            orchestrator = orchestrator_service_pb2_grpc.OrchestratorServiceStub(
                channel("orchestrator")
            )
            planner_channel = channel("planner")
            planner = planner_service_pb2_grpc.PlannerServiceStub(planner_channel)
            health = health_pb2_grpc.HealthStub(planner_channel)
            budget = budget_service_pb2_grpc.BudgetServiceStub(channel("budget"))
            guide = guide_service_pb2_grpc.GuideServiceStub(channel("guide"))
            request = plan_request()
            for _ in range(30):  # warm up every process and cache on the path
                trip = await orchestrator.PlanTrip(request, timeout=60)
            draft = planner_service_pb2.DraftItineraryRequest(trip=trip.request)
            estimate = budget_service_pb2.EstimateBudgetRequest(
                trip=trip.request, itinerary=trip.itinerary
            )
            advice = guide_service_pb2.GetAdviceRequest(trip=trip.request, itinerary=trip.itinerary)
            check = health_pb2.HealthCheckRequest(service="tripmesh-planner")
            rpcs: dict[str, Call] = {
                "planner Health": lambda: health.Check(check, timeout=10),
                "DraftItinerary": lambda: planner.DraftItinerary(draft, timeout=10),
                "EstimateBudget": lambda: budget.EstimateBudget(estimate, timeout=10),
                "GetAdvice": lambda: guide.GetAdvice(advice, timeout=10),
                "PlanTrip": lambda: orchestrator.PlanTrip(request, timeout=60),
            }
            found: dict[str, list[float]] = {name: [] for name in rpcs}
            for _ in range(rounds):
                for name, call in rpcs.items():
                    for _ in range(10):
                        await call()
                    found[name].append(await p50(call, calls))
        finally:
            for opened in channels:
                await opened.close()
            mesh.stop()
    median = {name: statistics.median(values) for name, values in found.items()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"hops at concurrency 1, p50 ms ({rounds} rounds of {calls}; load average {load})")
    print(f"  {'raw hop (bench/echo.py)':<28}{raw * 1000:>8.3f}")
    for name, value in median.items():
        spread = " ".join(f"{v * 1000:.2f}" for v in found[name])
        print(f"  {name:<28}{value * 1000:>8.3f}   rounds: {spread}")
    own = median["PlanTrip"] - median["DraftItinerary"]
    own -= max(median["EstimateBudget"], median["GetAdvice"])
    print(f"  {'orchestrator own share':<28}{own * 1000:>8.3f}")
    print(f"  PlanTrip = {median['PlanTrip'] / (3 * raw):.2f} x 3 raw hops")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=300, help="calls per RPC and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(measure(args.calls, args.rounds))
