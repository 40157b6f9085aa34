"""Issue 11's two figures alone, with gateway_bench's own code: the idle RSS of each process of
a `tripmesh up` mesh after the warm-up, and the CPU time per direct PlanTrip of each (median of
rounds at concurrency 16). About a minute; prints, asserts nothing.

Usage: python bench/capacity_bench.py [--rounds 3] [--count 200]
"""

import argparse
import asyncio
import os
import statistics
import tempfile
from pathlib import Path

from gateway_bench import SHORT, Target, _cpu_round, print_rss, warm_up
from meshes import tripmesh_up


async def main(rounds: int, count: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"tripmesh capacity: {os.cpu_count()} CPUs, load average {load}")
    with tempfile.TemporaryDirectory(prefix="tripmesh-bench-") as temp:
        mesh = tripmesh_up(Path(temp))
        target = Target(mesh)
        try:
            await warm_up(target)
            await asyncio.sleep(2)
            print_rss(mesh, "after warm-up")
            spent = [await _cpu_round(target, target.grpc_plan(), count) for _ in range(rounds)]
            print(f"\nCPU per direct PlanTrip (ms; concurrency 16, median of {rounds} x {count})")
            for name in [*(n for n in SHORT if n in mesh.pids()), "mesh", "client"]:
                each = " ".join(f"{r[name]:.2f}" for r in spent)
                median = statistics.median(r[name] for r in spent)
                print(f"  {SHORT.get(name, name):<10}{median:>8.2f}   (rounds: {each})")
            print("  (target: mesh <= 8 ms)")
        finally:
            await target.close()
            mesh.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load} (a crowded machine inflates CPU time too)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=200, help="trips per round")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.count))
