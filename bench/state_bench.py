"""Shared-state benchmark (`make bench`): prints figures, asserts nothing.

Two meshes of separate processes run side by side, the same but for TRIPMESH_STATE_URL:
one keeps its registry, monitor and limits in process, the other in Redis
(127.0.0.1:6379, a prefix of this run, deleted afterwards). PlanTrip through each
gateway, in turns, with the gateway's rate limit on in both (so the shared limiter is
on the path); the ratio of medians is the cost of sharing (target: <= 1.05).

Usage: python bench/state_bench.py [--scale 0.5] [--redis redis://127.0.0.1:6379/0]
"""

import argparse
import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import redis
from gateway_bench import PLAN, header, row
from loadgen import HttpConnection, Request, alternate, run_load
from meshes import HOST, Mesh, each_service

from services.supervisor import START_ORDER

REQUESTS = 100


def plan_worker(mesh: Mesh) -> Callable[[], Awaitable[Request]]:
    data = json.dumps(PLAN).encode()

    async def make() -> Request:
        gateway = mesh.port("gateway")
        return await HttpConnection(HOST, gateway, "POST", "/v1/trips:plan", data).open()

    return make


async def main(scale: float, url: str) -> None:
    prefix = f"tripmesh-bench-{uuid.uuid4().hex[:8]}:"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError as exc:
        print(f"shared state benchmark skipped: Redis at {url} ({type(exc).__name__})")
        return
    limit = {"TRIPMESH_RATE_LIMIT": "1000000"}
    shared = {**limit, "TRIPMESH_STATE_URL": url, "TRIPMESH_STATE_PREFIX": prefix}
    with tempfile.TemporaryDirectory(prefix="tripmesh-state-bench-") as temp:
        alone_dir, shared_dir = Path(temp, "alone"), Path(temp, "shared")
        alone = each_service(alone_dir, dict.fromkeys(START_ORDER, limit), timeout=120)
        with_state = each_service(shared_dir, dict.fromkeys(START_ORDER, shared), timeout=120)
        try:
            first, second = plan_worker(alone), plan_worker(with_state)
            await run_load(first, 2, 20)  # warm-up
            await run_load(second, 2, 20)
            count = max(10, int(REQUESTS * scale))
            header("PlanTrip through the gateway, TRIPMESH_STATE_URL unset vs set (Redis)")
            unset, shared_run = await alternate(first, second, 1, count)
            row("state in process", 1, unset)
            row("state in Redis", 1, shared_run)
            ratio = shared_run.median / unset.median
            print(f"  {'median ratio':<22}{1:>5}  {ratio:.3f}  (target <= 1.05)")
        finally:
            alone.stop()
            with_state.stop()
            client = redis.Redis.from_url(url)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies request counts")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the shared state")
    arguments = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntripmesh shared-state benchmark: load average {load}")
    asyncio.run(main(arguments.scale, arguments.redis))
