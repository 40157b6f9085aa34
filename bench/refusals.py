"""How fast overload is refused, and by whom: prints a table, asserts nothing.

The chaos fleet (bench/chaos.py: every service, a second planner and budget,
offline model). The ceiling is the closed-loop PlanTrip rate at concurrency 16
(direct gRPC); then an open loop at 2 x that rate for --seconds, once straight
to the orchestrator (gRPC) and once through the gateway (HTTP/1.1, keep-alive
connections reused as they free up). Each outcome is a row: its count and the
p50/p90/p99 of its latency, a refusal named by its code or HTTP status, its
ErrorInfo reason and the method whose limit refused it (so a refusal from the
gateway's own limit, `/v1/...`, tells from one passed on by a service); and
whether it carried Retry-After. The gateway's CPU use and the time its threads
waited for a CPU show whether its latency is its own or the machine's.

Usage: python bench/refusals.py [--seconds 10] [--env TRIPMESH_X=Y ...] (--env: every process)
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc
from chaos import DEADLINE, HOST, Client, start_mesh
from gateway_bench import PLAN
from meshes import cpu_seconds, cpu_wait_seconds

from services.runtime import errors

Outcomes = defaultdict[str, list[float]]
BODY = json.dumps(PLAN).encode()


async def direct(client: Client, out: Outcomes) -> None:
    started = time.perf_counter()
    try:
        await client.stub.PlanTrip(client.request, timeout=DEADLINE)
        out["ok"].append(time.perf_counter() - started)
    except grpc.aio.AioRpcError as exc:
        took = time.perf_counter() - started
        info = errors.error_info(errors.status_from_rpc_error(exc))
        where = f"{info.reason} {info.metadata.get('method', '')}" if info else ""
        out[f"{exc.code().name} {where}"].append(took)


class Gateway:
    """POST /v1/trips:plan on keep-alive connections, a new one when none is idle."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.head = (
            f"POST /v1/trips:plan HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(BODY)}\r\n\r\n"
        ).encode()

    async def __call__(self, out: Outcomes) -> None:
        started = time.perf_counter()
        try:
            reader, writer = self.idle.pop() if self.idle else await self._connect()
            writer.write(self.head + BODY)
            head = await reader.readuntil(b"\r\n\r\n")
            fields = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
            headers = {k.strip().lower(): v.strip() for k, v in fields.items()}
            body = await reader.readexactly(int(headers[b"content-length"]))
            self.idle.append((reader, writer))
        except (OSError, asyncio.IncompleteReadError) as exc:  # a connection closed while idle
            out[f"client {type(exc).__name__}"].append(time.perf_counter() - started)
            return
        took = time.perf_counter() - started
        status = int(head[9:12])
        if status == 200:
            out["ok"].append(took)
            return
        detail = next((d for d in json.loads(body).get("details", []) if "reason" in d), {})
        method = detail.get("metadata", {}).get("method", "")
        retry = "Retry-After" if b"retry-after" in headers else "no Retry-After"
        out[f"HTTP {status} {detail.get('reason')} {method} ({retry})"].append(took)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(HOST, self.port)


async def open_loop(
    one: Callable[[Outcomes], Awaitable[None]], rate: float, seconds: float
) -> Outcomes:
    out: Outcomes = defaultdict(list)
    tasks = []
    started = time.perf_counter()
    for i in range(int(rate * seconds)):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(out)))
    await asyncio.gather(*tasks)
    return out


def ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000:.0f}"


def table(title: str, out: Outcomes) -> None:
    print(f"\n{title}\n| outcome | count | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|")
    for key, values in sorted(out.items(), key=lambda item: -len(item[1])):
        row = f"{ms(values, 50)} | {ms(values, 90)} | {ms(values, 99)}"
        print(f"| {key} | {len(values)} | {row} |")


async def main(seconds: float, extra_env: dict[str, str]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"refusals under 2 x overload: {os.cpu_count()} CPUs, load average {load}")
    if extra_env:
        print("settings: " + ", ".join(f"{k}={v}" for k, v in extra_env.items()))
    with tempfile.TemporaryDirectory(prefix="tripmesh-refusals-") as temp:
        fleet = start_mesh(Path(temp), extra_env)
        client = Client(fleet.procs["orchestrator"].port)
        try:
            await client.closed(8, 3)  # warm-up
            ceiling = await client.closed(16, 6)
            rate = 2 * len(ceiling.latencies) / ceiling.wall
            print(
                f"ceiling (direct, 16 at once): {rate / 2:.1f} trips/s; open loops at {rate:.0f}/s"
            )
            table(
                "straight to the orchestrator (gRPC)",
                await open_loop(lambda out: direct(client, out), rate, seconds),
            )
            await asyncio.sleep(3)
            pid = fleet.procs["gateway"].pid
            cpu, waited, wall = cpu_seconds(pid), cpu_wait_seconds(pid), time.perf_counter()
            through = await open_loop(Gateway(fleet.procs["gateway"].port), rate, seconds)
            wall = time.perf_counter() - wall
            table("through the gateway (HTTP/JSON)", through)
            print(
                f"\ngateway: {(cpu_seconds(pid) - cpu) / wall:.2f} CPU used, its threads waited"
                f" {(cpu_wait_seconds(pid) - waited) / wall:.2f} s/s for a CPU"
            )
        finally:
            await client.close()
            fleet.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each open loop")
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for every process (repeatable)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.seconds, dict(item.split("=", 1) for item in args.env)))
